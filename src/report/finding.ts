import type { AttackKind, Detection, UserInput } from '../detect/types';

export type Action = 'blocked' | 'monitored';

/** Attributes that describe the sink call, in OpenTelemetry semantic-convention names. */
export type SinkAttributes = Readonly<Record<string, string | number | boolean>>;

/** Request facts copied out of the context when a finding is made. */
export interface RequestFacts {
  readonly requestId: string;
  readonly method?: string;
  readonly route?: string;
  readonly path?: string;
  /** The socket peer (the last proxy when there is one). */
  readonly peerAddress?: string;
  /** Raw X-Forwarded-For, read only when `trustProxy` is set. */
  readonly forwardedFor?: string | readonly string[];
  readonly userAgent?: string;
}

/** The one internal model of a finding; every reporter renders it. */
export interface Finding {
  readonly kind: AttackKind;
  readonly rule: string;
  readonly reason: string;
  readonly action: Action;
  /** Hooked call, e.g. `better-sqlite3.prepare`. */
  readonly sink: string;
  readonly input: UserInput;
  readonly sinkAttributes: SinkAttributes;
  readonly request: RequestFacts | undefined;
  /** Time spent deciding, in milliseconds. */
  readonly checkDurationMs: number;
  /** Stack of the app call that reached the sink, bounded. */
  readonly stack: string | undefined;
}

export function findingFrom(
  detection: Detection,
  action: Action,
  sink: string,
  sinkAttributes: SinkAttributes,
  request: RequestFacts | undefined,
  checkDurationMs: number,
  stack: string | undefined,
): Finding {
  return {
    kind: detection.kind,
    rule: detection.rule,
    reason: detection.reason,
    action,
    sink,
    input: detection.input,
    sinkAttributes,
    request,
    checkDurationMs,
    stack,
  };
}
