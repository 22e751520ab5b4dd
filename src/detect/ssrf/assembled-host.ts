// A host the app assembles from several inputs, none of which names it alone:
// `http://${sub}.${domain}/` with sub=`169.254.169` and domain=`254`, or `${host}.${rest}`
// with `127.0` and `0.1`. Each input is only a piece of a label or of an IP, so the
// one-input rules (host-input.ts) do not see it, yet together the inputs choose the host.
//
// The rule: the host (an IP literal: all of it; a DNS name: a run of whole labels) is
// spelled, left to right, by pieces of two or more different inputs, with nothing between
// them but separators the app wrote (`.`, `:`). An input's piece is its whole text, or the
// host part of a URL-ish input cut where a host starts (`http://127.0` begins the host) or
// ends (`0.1:8080/x` ends it). For an IP, pieces that are each one bare number between
// app-written dots (`10`, `0`, `0`, `5`: counters and page sizes) are a coincidence, not
// an assembled host: at least one piece must hold a separator itself or touch another
// piece with none between them. Bounded: at most MAX_CANDIDATES inputs take part and the
// search stops after MAX_STEPS steps (a host is at most 253 characters).

/** Pieces an input may contribute to a host (lowercased), settled once per input. */
export interface PieceForms {
  /** The whole text, when it could be host text. */
  readonly core: string | undefined;
  /** The host part after the last `/`, `\`, `@` or `[` (the input begins the host). */
  readonly lead: string | undefined;
  /** The host part before the first `/`, `\`, `:`, `?`, `#`, `@` (the input ends the host). */
  readonly trail: string | undefined;
}

export const NO_PIECES: PieceForms = { core: undefined, lead: undefined, trail: undefined };

/** Longest host text (a DNS name is at most 253 characters). */
const MAX_HOST = 253;
export const MAX_CANDIDATES = 16;
const MAX_STEPS = 512;

function isHostChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x3a;
}

function isSeparator(c: number): boolean {
  return c === 0x2e || c === 0x3a; // . :
}

/** Host characters only, and not separators alone (an input `.` spells nothing). */
function hostText(text: string, from: number, to: number): string | undefined {
  if (to <= from || to - from > MAX_HOST) return undefined;
  let word = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!isHostChar(c)) return undefined;
    if (!isSeparator(c)) word = true;
  }
  return word ? text.slice(from, to) : undefined;
}

export function pieceFormsOf(lowered: string): PieceForms {
  const core = lowered.length <= MAX_HOST ? hostText(lowered, 0, lowered.length) : undefined;
  // `0.1:6379` is host text (an IPv6 piece) and may also end a host before its port.
  if (core !== undefined && core.indexOf(':') === -1) return { core, lead: undefined, trail: undefined };
  let lead: string | undefined;
  let trail: string | undefined;
  for (let i = lowered.length - 1; i >= 0 && core === undefined; i--) {
    const c = lowered.charCodeAt(i);
    if (c === 0x2f || c === 0x5c || c === 0x40 || c === 0x5b) {
      // Where an authority starts: after `//`, credentials' `@` or `[`; not a path's last segment.
      const before = i > 0 ? lowered.charCodeAt(i - 1) : 0;
      if (c === 0x40 || c === 0x5b || before === 0x2f || before === 0x5c) lead = hostText(lowered, i + 1, lowered.length);
      break;
    }
  }
  for (let i = 0; i < lowered.length && i <= MAX_HOST; i++) {
    const c = lowered.charCodeAt(i);
    if (c === 0x2f || c === 0x5c || c === 0x3a || c === 0x3f || c === 0x23 || c === 0x40) {
      trail = hostText(lowered, 0, i);
      break;
    }
  }
  return core === undefined && lead === undefined && trail === undefined ? NO_PIECES : { core, lead, trail };
}

/** Whether any of an input's pieces could take part in spelling `text`. */
export function mayTakePart(forms: PieceForms, text: string): boolean {
  if (forms.core !== undefined && forms.core.length < text.length && text.indexOf(forms.core) !== -1) return true;
  return (forms.lead !== undefined && forms.lead.length < text.length && text.startsWith(forms.lead)) || (forms.trail !== undefined && forms.trail.length < text.length && text.endsWith(forms.trail));
}

function hasSeparator(piece: string): boolean {
  for (let i = 0; i < piece.length; i++) if (isSeparator(piece.charCodeAt(i))) return true;
  return false;
}

/**
 * The index (into `candidates`) of the input blamed for assembling `text` with others (the
 * one giving the longest piece), or -1. `candidates` are the pieces of different inputs
 * that passed `mayTakePart`.
 */
export function assembledBy(text: string, isIp: boolean, candidates: readonly PieceForms[]): number {
  if (candidates.length < 2) return -1;
  const n = Math.min(candidates.length, MAX_CANDIDATES);
  let steps = MAX_STEPS;
  let blamed = -1;
  let longest = 0;
  const atEnd = (pos: number): boolean => pos === text.length || (!isIp && text.charCodeAt(pos) === 0x2e);

  const tryPiece = (piece: string | undefined, j: number, pos: number, used: number, count: number, strong: boolean, afterPiece: boolean, anchored: 'start' | 'end' | undefined): boolean => {
    if (piece === undefined || !text.startsWith(piece, pos)) return false;
    if (anchored === 'start' && pos !== 0) return false;
    if (anchored === 'end' && pos + piece.length !== text.length) return false;
    const firm = strong || afterPiece || hasSeparator(piece);
    if (!search(pos + piece.length, used | (1 << j), count + 1, firm, true)) return false;
    if (piece.length > longest) {
      longest = piece.length;
      blamed = j;
    }
    return true;
  };

  // Left to right from `pos`: an app-written separator after a piece, or the next piece.
  function search(pos: number, used: number, count: number, strong: boolean, afterPiece: boolean): boolean {
    if (--steps < 0) return false;
    if (afterPiece && count >= 2 && atEnd(pos) && (!isIp || strong)) return true;
    if (pos >= text.length) return false;
    if (afterPiece && isSeparator(text.charCodeAt(pos)) && search(pos + 1, used, count, strong, false)) return true;
    for (let j = 0; j < n; j++) {
      if ((used & (1 << j)) !== 0) continue;
      const forms = candidates[j]!;
      if (tryPiece(forms.core, j, pos, used, count, strong, afterPiece, undefined)) return true;
      if (tryPiece(forms.lead, j, pos, used, count, strong, afterPiece, 'start')) return true;
      if (tryPiece(forms.trail, j, pos, used, count, strong, afterPiece, 'end')) return true;
    }
    return false;
  }

  // An IP is spelled whole; a DNS name from any label start (app-written labels may follow).
  for (let start = 0; start < text.length; start++) {
    if (start > 0 && (isIp || text.charCodeAt(start - 1) !== 0x2e)) continue;
    if (search(start, 0, 0, false, false)) return blamed;
    if (isIp || steps < 0) break;
  }
  return -1;
}
