// The real OpenTelemetry SDK with in-memory exporters, registered globally for a test file.
import { logs } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';

export interface CapturedEvents {
  readonly exporter: InMemoryLogRecordExporter;
  /** Finding events emitted so far (eventName `rampart.attack`). */
  attacks(): ReturnType<InMemoryLogRecordExporter['getFinishedLogRecords']>;
  reset(): void;
}

export function captureOtelLogs(): CapturedEvents {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  logs.setGlobalLoggerProvider(provider);
  return {
    exporter,
    attacks: () => exporter.getFinishedLogRecords().filter((r) => r.eventName === 'rampart.attack'),
    reset: () => exporter.reset(),
  };
}
