// Apps that "sanitize" a name by deleting `../` (`name.replace(/\.\.\//g, '')`, or
// `name.replace('../', '')`, which deletes the first only) rebuild a traversal from what the
// deletion joins: `....//` becomes `../`, and so does `..././`. The forms such a deletion
// gives are looked for too (detector.ts), as the decoded forms are; the input as sent,
// found verbatim in the path, shows the app did not delete anything there.

const NONE: readonly string[] = Object.freeze([]);
const DOTDOT_SLASH = '../';

/** What deleting every `../` of `value`, or its first one, leaves, when that holds a `..` segment the value does not. */
export function strippedForms(value: string): readonly string[] {
  const first = value.indexOf(DOTDOT_SLASH);
  if (first === -1) return NONE;
  const all = value.split(DOTDOT_SLASH).join('');
  const once = value.slice(0, first) + value.slice(first + DOTDOT_SLASH.length);
  const out: string[] = [];
  for (const form of [all, once]) {
    if (form !== value && !out.includes(form) && hasDotDotSegment(form)) out.push(form);
  }
  return out.length === 0 ? NONE : out;
}

/** Whether `text` has a `..` segment: between slashes or at either end. */
export function hasDotDotSegment(text: string): boolean {
  for (let at = text.indexOf('..'); at !== -1; at = text.indexOf('..', at + 1)) {
    const before = at === 0 ? 0x2f : text.charCodeAt(at - 1);
    const after = at + 2 === text.length ? 0x2f : text.charCodeAt(at + 2);
    if (before === 0x2f && after === 0x2f) return true;
  }
  return false;
}
