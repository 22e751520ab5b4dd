// Publishes every finding on the diagnostics channel `rampart:finding`, for other tools
// and the app itself to subscribe (node:diagnostics_channel). The message carries the
// same facts as the `rampart.attack` event, already redacted by the same renderer: no
// input value unless `telemetry.includeInputValue`, never a secret-named one, sink texts
// with their secrets masked (docs/events.md). With no subscriber it costs one property
// read per finding: nothing is built.
import diagnostics from 'node:diagnostics_channel';
import type { Attributes } from './attributes';
import type { Finding } from './finding';

export const FINDING_CHANNEL = 'rampart:finding';

const channel = diagnostics.channel(FINDING_CHANNEL);

/** What a subscriber receives (frozen). */
export interface FindingMessage {
  readonly rule: string;
  readonly kind: Finding['kind'];
  readonly action: Finding['action'];
  readonly sink: string;
  readonly input: { readonly source: string; readonly path: string };
  readonly requestId: string | undefined;
  /** The event's attribute map (docs/events.md), redacted. */
  readonly attributes: Readonly<Attributes>;
}

export function findingSubscribed(): boolean {
  return channel.hasSubscribers;
}

/** Publishes one finding; `render` gives its redacted attributes. */
export function publishFinding(finding: Finding, render: () => Attributes): void {
  const message: FindingMessage = {
    rule: finding.rule,
    kind: finding.kind,
    action: finding.action,
    sink: finding.sink,
    input: Object.freeze({ source: finding.input.source, path: finding.input.path }),
    requestId: finding.request?.requestId,
    attributes: Object.freeze({ ...render() }),
  };
  channel.publish(Object.freeze(message));
}
