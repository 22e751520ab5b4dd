// Everything the shell detector derives from one input value, made once per distinct value
// (value-memo.ts), so an input costs one lookup on the no-match path: its caseless form
// (caseless.ts), its truncation probes (truncation.ts) and the forms an app that trims or
// NFKC-normalizes it pastes (normalized-forms.ts).

import { ValueMemo } from '../value-memo';
import { normalizedFormsOf } from '../normalized-forms';
import { caselessFormOf, type CaselessForm } from './caseless';
import { shellProbesOf, type ShellProbes } from './truncation';

export interface ShellValueFacts {
  readonly fold: CaselessForm | undefined;
  readonly probes: ShellProbes;
  readonly normalized: readonly string[];
}

const facts = new ValueMemo<ShellValueFacts>((value) => {
  const fold = caselessFormOf(value) ?? undefined;
  return { fold, probes: shellProbesOf(value, fold?.lower), normalized: normalizedFormsOf(value) };
});

/** What the shell detector needs to know of `value`, the input at index `k` of its check. */
export function shellValueFacts(value: string, k: number): ShellValueFacts {
  return facts.of(value, k);
}
