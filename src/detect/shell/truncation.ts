// What the shell detector needs to follow an input the app cut before building the command
// (`'convert ' + name.slice(0, 20)`): the probe of truncated-prefix.ts for the value as it
// is and for its ASCII lower-case form, made once per distinct value (value-facts.ts), so
// the no-match path allocates nothing.

import { TruncationProbe } from '../truncated-prefix';
import { isSafeWordChar } from './detector';

/**
 * Whether a prefix of `text` could change a command: it holds a character a word may not
 * carry unquoted (quotes, `;`, `|`, `&`, `$`, a backtick, brackets, blanks, line breaks,
 * redirections, globs), a `-` (an option) or a `/` (a path), or two letters in a row (a
 * program name). Digits, dots and single letters cannot, and are not followed.
 */
export function mayCarryShellStructure(text: string): boolean {
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isSafeWordChar(c) || c === 0x2d || c === 0x2f) return true;
    if (((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)) {
      if (++letters === 2) return true;
    } else {
      letters = 0;
    }
  }
  return false;
}

// Characters from most to least common in command lines; unlisted ones count as rarest.
const COMMON = " e-/tsaoirn.lcpmd_u01h2g'=f3\"kv5bx4y96w78,:";
const RANK = new Uint8Array(128).fill(COMMON.length);
for (let i = 0; i < COMMON.length; i++) RANK[COMMON.charCodeAt(i)] = i;

/** The probes of one value: as it is, and lower-cased (null when absent or not followed). */
export interface ShellProbes {
  readonly exact: TruncationProbe | null;
  readonly lower: TruncationProbe | null;
}

const NONE: ShellProbes = { exact: null, lower: null };

/** The probes of `value`; `lower` is its ASCII lower-case form, if it has letters. */
export function shellProbesOf(value: string, lower: string | undefined): ShellProbes {
  const exact = TruncationProbe.of(value, mayCarryShellStructure, RANK) ?? null;
  const folded = exact !== null && lower !== undefined && lower !== value ? TruncationProbe.of(lower, mayCarryShellStructure, RANK) ?? null : null;
  return exact === null ? NONE : { exact, lower: folded };
}
