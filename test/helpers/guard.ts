// The guard returns a verdict; tests that stand in for a synchronous sink act on it the
// way a synchronous API's hook does (refuse.ts refuseSync): a refusal is thrown.
import { guardSink, type SinkDetector } from '../../src/guard';

export function guardThrowing<P>(detector: SinkDetector<P>, sink: string, payload: P): void {
  const refusal = guardSink(detector, sink, payload);
  if (refusal !== undefined) throw refusal;
}
