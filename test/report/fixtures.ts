// Shared pieces of the report tests: a detector that flags the input "evil" (so findings
// come from the real guard, not hand-made objects) and an HTTP server that runs a guarded
// sink call inside an active server span, the way an instrumented app would.
import { createServer, type Server } from 'node:http';
import { SpanKind, SpanStatusCode, type SpanContext, type Tracer } from '@opentelemetry/api';
import { guardSink, type SinkDetector } from '../../src/guard';
import { RampartBlockedError } from '../../src/index';
import type { Detection, UserInput } from '../../src/detect/types';

export const SINK = 'test.exec';

/** Flags any input whose value is exactly "evil" and occurs in the command. */
export const evilDetector: SinkDetector<string> = {
  kind: 'command_injection',
  family: 'shell',
  detect(payload: string, inputs: readonly UserInput[]): Detection | undefined {
    const input = inputs.find((i) => i.value === 'evil' && payload.includes(i.value));
    return input && { kind: 'command_injection', input, rule: 'test.evil-word', reason: 'input "evil" became a command word' };
  },
  describe: (payload: string) => ({
    'process.command_line': payload.split(' ').map((w, i) => (i === 0 ? w : '?')).join(' '),
    'process.executable.name': payload.split(' ')[0]!,
  }),
};

export interface GuardedServer {
  readonly server: Server;
  /** Span context of the server span of the last request. */
  lastSpan(): SpanContext | undefined;
  /** How many guarded calls actually ran. */
  ran(): number;
}

/** GET /run?cmd=...: runs `run <cmd>` through the guard inside a server span. */
export function guardedServer(tracer?: Tracer): GuardedServer {
  let last: SpanContext | undefined;
  let ran = 0;
  const handle = (url: string, res: import('node:http').ServerResponse): void => {
    const cmd = new URL(url, 'http://localhost').searchParams.get('cmd') ?? '';
    // A refusal comes back as the verdict (the hook would deliver it in the API's own
    // error channel); rampart has already answered 403.
    if (guardSink(evilDetector, SINK, `run ${cmd}`) instanceof RampartBlockedError) return;
    ran++;
    res.end('ran');
  };
  const server = createServer((req, res) => {
    if (tracer === undefined) return handle(req.url ?? '/', res);
    tracer.startActiveSpan(`${req.method} /run`, { kind: SpanKind.SERVER }, (span) => {
      last = span.spanContext();
      try {
        handle(req.url ?? '/', res);
      } finally {
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  });
  return { server, lastSpan: () => last, ran: () => ran };
}
