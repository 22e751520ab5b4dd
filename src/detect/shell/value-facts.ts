// Everything the shell detector derives from one input value, made once per distinct value
// (value-memo.ts), so an input costs one lookup on the no-match path: its caseless form
// (caseless.ts), its truncation probes (truncation.ts) and the texts an app that escapes
// its quotes with a backslash, trims it or NFKC-normalizes it pastes (normalized-forms.ts).

import { ValueMemo } from '../value-memo';
import { normalizedFormsOf } from '../normalized-forms';
import { caselessFormOf, type CaselessForm } from './caseless';
import { shellProbesOf, type ShellProbes } from './truncation';

export interface ShellValueFacts {
  readonly fold: CaselessForm | undefined;
  readonly probes: ShellProbes;
  /** The value with each `'` written `\'`, then its trimmed and NFKC forms: those that differ. */
  readonly rewritten: readonly string[];
}

const QUOTES = /'/g;

const facts = new ValueMemo<ShellValueFacts>((value) => {
  const fold = caselessFormOf(value) ?? undefined;
  const normalized = normalizedFormsOf(value);
  const rewritten = value.indexOf("'") === -1 ? normalized : [value.replace(QUOTES, "\\'"), ...normalized];
  return { fold, probes: shellProbesOf(value, fold?.lower), rewritten };
});

/** What the shell detector needs to know of `value`, the input at index `k` of its check. */
export function shellValueFacts(value: string, k: number): ShellValueFacts {
  return facts.of(value, k);
}
