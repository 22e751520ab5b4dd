// Apps trim input and normalize it (`value.trim()`, `value.normalize('NFKC')`, which turns
// fullwidth `；` `＆` `．` into `;` `&` `.`) before pasting it into a command or a path; the
// text in the sink is then not the input as sent. These are the forms such an app pastes,
// looked for when the input itself is not there. Only values with blanks at an end or with
// non-ASCII characters have any; the others cost one memo lookup (value-memo.ts).

import { ValueMemo } from './value-memo';

const NONE: readonly string[] = Object.freeze([]);

/** The trimmed and NFKC-normalized forms of `value` that differ from it (not memoized). */
export function normalizedFormsOf(value: string): readonly string[] {
  let edges = false;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (first <= 0x20 || last <= 0x20 || first === 0xa0 || last === 0xa0 || first >= 0x2000 || last >= 0x2000) edges = true;
  let wide = false;
  for (let i = 0; i < value.length && !wide; i++) wide = value.charCodeAt(i) >= 0x80;
  if (!edges && !wide) return NONE;
  const out: string[] = [];
  const add = (form: string): void => {
    if (form !== '' && form !== value && !out.includes(form)) out.push(form);
  };
  const trimmed = value.trim();
  add(trimmed);
  if (wide) {
    const normalized = value.normalize('NFKC');
    add(normalized);
    add(normalized.trim());
  }
  return out.length === 0 ? NONE : out;
}

const forms = new ValueMemo(normalizedFormsOf);

/** The trimmed and NFKC-normalized forms of `value` (input index `k`) that differ from it. */
export function normalizedForms(value: string, k: number): readonly string[] {
  return value.length === 0 ? NONE : forms.of(value, k);
}
