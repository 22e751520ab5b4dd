// Inputs the app decodes itself: a parameter or header holding JSON, base64 or hex that the
// app JSON.parses or decodes before building a query or command. The text in the sink is
// then a decoded string, not the input, and the attack inside would pass unseen. Each
// string leaf of the decoded value becomes an input of its own (docs/inputs.md).
// Pure and linear: one pass to recognise the encoding, one decode, one walk of the result.
// No cut-off: everything decoded is bounded by the input it came from.

import { isUtf8 } from 'node:buffer';

/** One decoded string and where it sits: `(json).user.name`, `(base64)`, `(hex)`. */
export interface DecodedLeaf {
  readonly suffix: string;
  readonly value: string;
}

/** Shorter base64/hex is usually a word or a number that happens to use the alphabet. */
const MIN_ENCODED = 8;

/**
 * Values that come again and again (a Connection header's `keep-alive`, a session cookie,
 * an API key) are decoded once: their leaves are kept, keyed by the value. Bounded in
 * entries, in key length and in what a kept result may hold; when full it starts over, so
 * a client sending a new value each time costs what it cost without the memo.
 */
const MEMO_MAX_ENTRIES = 256;
const MEMO_MAX_LENGTH = 512;
const memo = new Map<string, readonly DecodedLeaf[]>();
const NONE: readonly DecodedLeaf[] = Object.freeze([]);

/** The decoded leaves of `value`, or an empty array when it decodes to nothing readable. */
export function decodedLeaves(value: string): readonly DecodedLeaf[] {
  // Recognised in place first: most values are none of JSON, hex or base64, and are ruled
  // out by their first few characters, for less than a look-up of the whole value.
  const kind = isJsonLike(value) ? JSON_LIKE : isHex(value) ? HEX : isBase64(value) ? BASE64 : undefined;
  if (kind === undefined) return NONE;
  if (value.length > MEMO_MAX_LENGTH) return decode(value, kind);
  const kept = memo.get(value);
  if (kept !== undefined) return kept;
  const leaves = decode(value, kind);
  if (heldChars(leaves) <= 2 * MEMO_MAX_LENGTH) {
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(value, leaves.length === 0 ? NONE : leaves);
  }
  return leaves;
}

const JSON_LIKE = 0;
const HEX = 1;
const BASE64 = 2;
type Kind = typeof JSON_LIKE | typeof HEX | typeof BASE64;

function decode(value: string, kind: Kind): DecodedLeaf[] {
  const out: DecodedLeaf[] = [];
  if (kind === JSON_LIKE) {
    addJsonLeaves(value, '', out);
    return out;
  }
  const text = readableUtf8(kind === HEX ? hexBytes(value) : base64Bytes(value));
  if (text !== undefined && text !== value) {
    const suffix = kind === HEX ? '(hex)' : '(base64)';
    out.push({ suffix, value: text });
    addJsonLeaves(text, suffix, out);
  }
  return out;
}

function heldChars(leaves: readonly DecodedLeaf[]): number {
  let n = 0;
  for (const leaf of leaves) n += leaf.suffix.length + leaf.value.length;
  return n;
}

/** Only objects and arrays: a quoted string or a number is the input itself. */
function isJsonLike(text: string): boolean {
  const first = firstNonBlank(text);
  return first === 0x7b /* { */ || first === 0x5b /* [ */;
}

function addJsonLeaves(text: string, prefix: string, out: DecodedLeaf[]): void {
  if (!isJsonLike(text)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  const stack: { value: unknown; path: string }[] = [{ value: parsed, path: `${prefix}(json)` }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > 0) out.push({ suffix: path, value });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: `${path}.${key}` });
    }
  }
}

function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  }
  return -1;
}

function isHex(value: string): boolean {
  let from = value.startsWith('0x') || value.startsWith('0X') ? 2 : 0;
  const n = value.length - from;
  if (n < MIN_ENCODED || n % 2 !== 0) return false;
  for (; from < value.length; from++) {
    const c = value.charCodeAt(from) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function hexBytes(value: string): Uint8Array {
  const from = value.startsWith('0x') || value.startsWith('0X') ? 2 : 0;
  return Buffer.from(from === 0 ? value : value.slice(from), 'hex');
}

/** Standard or URL-safe base64, padded or not. */
function isBase64(value: string): boolean {
  let n = value.length;
  while (n > 0 && value.charCodeAt(n - 1) === 0x3d /* = */) n--;
  if (n < MIN_ENCODED || value.length - n > 2 || n % 4 === 1) return false;
  let letters = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    const alpha = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    if (alpha) letters++;
    else if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x2d || c === 0x5f)) return false;
  }
  return letters > 0;
}

/**
 * Node's native decoder (atob is JavaScript on Node 20 and cost a fifth of a SQL check's
 * time on every request); it reads the URL-safe alphabet too. isBase64 has already checked
 * every character, so the decoder's leniency about others never applies.
 */
function base64Bytes(value: string): Uint8Array {
  return Buffer.from(value, 'base64');
}

// Validated first, decoded after: a fatal decoder reports bad bytes by throwing, and a
// thrown error captures a stack trace. A Connection header's `keep-alive` reads as base64
// that decodes to invalid UTF-8, so every request paid for one (about 5 % of a SQLite
// route's CPU). The decoder's other defaults (a leading BOM dropped) are the fatal one's.
const UTF8 = new TextDecoder('utf-8');

/** The bytes as text if they are valid UTF-8 without control characters (other than blanks). */
function readableUtf8(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return undefined;
  }
  return isUtf8(bytes) ? UTF8.decode(bytes) : undefined;
}
