// The verdict for a sink call of a request whose inputs went past a memory bound
// (limits.maxInputs, limits.maxBytes): part of its input was never collected, so no check
// can clear the call. Block mode refuses it, monitor mode reports it: padding a request
// past the bound never switches the checks off.
import type { AttackKind, Detection, InputSource } from './types';

export const INPUT_LIMIT_RULE = 'rampart.input-limit';

export interface InputLimitPlace {
  readonly bound: 'maxInputs' | 'maxBytes';
  readonly source: InputSource;
  readonly path: string;
}

export function inputLimitExceeded(kind: AttackKind, place: InputLimitPlace): Detection {
  return {
    kind,
    // The first input that did not fit; its value is not kept (it was never collected).
    input: { source: place.source, path: place.path, value: '' },
    rule: INPUT_LIMIT_RULE,
    reason: `The request's input went past limits.${place.bound} at ${place.source} ${place.path || '(whole)'}; the rest was not collected, so the call could not be cleared.`,
  };
}
