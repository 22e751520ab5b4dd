// The text fields of a multipart/form-data body, read from the bytes Node's HTTP parser
// pushes into the request (hooks/sources/raw-body.ts), for servers that parse multipart
// inside code rampart cannot hook: Next.js parses Server Action form posts and
// `request.formData()` with copies of busboy and undici compiled into its own bundles.
// The bytes are scanned as they arrive and never held whole: a field's value is kept
// (bounded by limits.maxRawBody, past which the request's inputs are incomplete, reported
// as rampart.input-limit); a file's content is skipped, only its client-chosen file name is
// kept. Linear in the body: each byte is looked at a bounded number of times.
import type { InputSource, UserInput } from '../detect/types';
import { addString, exceed, isPlainWord, type WalkBudget } from './walk';

/** A part's header block longer than this is not a form a browser or busboy sends (busboy stops at 16 KiB). */
const MAX_PART_HEADERS = 64 * 1024;

export interface MultipartField {
  readonly name: string;
  /** The field's text, or the file name of a file part. */
  readonly value: string;
  readonly file: boolean;
}

export interface MultipartSnapshot {
  readonly fields: readonly MultipartField[];
  readonly overflow: boolean;
}

const enum State {
  Preamble,
  AfterDelimiter,
  Headers,
  Body,
  Done,
}

export class MultipartFields {
  private readonly delimiter: Buffer | undefined;
  private state = State.Preamble;
  /** Bytes not yet decided on: at most a delimiter's length, or a header block in progress. */
  private pending: Buffer;
  private fields: MultipartField[] = [];
  private part: { name: string; file: boolean; chunks: Buffer[]; charset: string | undefined } | undefined;
  private kept = 0;
  private overflow = false;
  private snapshot: MultipartSnapshot | undefined;

  constructor(
    contentType: string,
    private readonly maxBytes: number,
  ) {
    const boundary = headerParams(contentType).get('boundary');
    // "\r\n--boundary" ends every part; the first delimiter may open the body without the
    // CRLF, so the scan starts as if one had been seen.
    this.delimiter = boundary === undefined || boundary.length === 0 ? undefined : Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.pending = Buffer.from('\r\n', 'latin1');
  }

  observe(chunk: unknown): void {
    if (this.delimiter === undefined || this.overflow || this.state === State.Done) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk instanceof Uint8Array ? chunk : undefined;
    if (bytes === undefined || bytes.length === 0) return;
    this.pending = this.pending.length === 0 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.concat([this.pending, bytes]);
    this.scan(this.delimiter);
    this.snapshot = undefined;
  }

  current(): MultipartSnapshot | undefined {
    if (this.fields.length === 0 && !this.overflow) return undefined;
    return (this.snapshot ??= { fields: this.fields.slice(), overflow: this.overflow });
  }

  private scan(delimiter: Buffer): void {
    let data = this.pending;
    let at = 0;
    for (;;) {
      if (this.state === State.Preamble || this.state === State.Body) {
        const end = data.indexOf(delimiter, at);
        if (end === -1) {
          // Keep what could be the start of a delimiter cut by the chunk boundary.
          const safe = Math.max(at, data.length - (delimiter.length - 1));
          if (this.state === State.Body) this.content(data.subarray(at, safe));
          at = safe;
          break;
        }
        if (this.state === State.Body) {
          this.content(data.subarray(at, end));
          this.endPart();
        }
        at = end + delimiter.length;
        this.state = State.AfterDelimiter;
      } else if (this.state === State.AfterDelimiter) {
        // "--" closes the body; anything else runs to the CRLF that opens the part's headers.
        if (data.length - at < 2) break;
        if (data[at] === 0x2d && data[at + 1] === 0x2d) {
          this.state = State.Done;
          at = data.length;
          break;
        }
        const eol = data.indexOf('\r\n', at, 'latin1');
        if (eol === -1) {
          if (data.length - at > MAX_PART_HEADERS) return this.overflowed();
          break;
        }
        at = eol + 2;
        this.state = State.Headers;
      } else if (this.state === State.Headers) {
        // An empty header block ends at once (the part starts with CRLF).
        const end = data[at] === 0x0d && data[at + 1] === 0x0a ? at - 2 : data.indexOf('\r\n\r\n', at, 'latin1');
        if (end === -1) {
          if (data.length - at > MAX_PART_HEADERS) return this.overflowed();
          break;
        }
        this.startPart(end < at ? '' : data.toString('latin1', at, end));
        at = end + 4;
        this.state = State.Body;
      } else {
        at = data.length;
        break;
      }
    }
    data = data.subarray(at);
    // Copied, so the kept tail does not pin the whole chunk it came from.
    this.pending = data.length === 0 ? EMPTY : Buffer.from(data);
  }

  /**
   * Where parsers disagree, the part is read the way that yields more input: busboy takes
   * the first Content-Disposition and undici the last, so the part is a file only when every
   * one names a file name; the field's name is the first one's.
   */
  private startPart(headers: string): void {
    let name: string | undefined;
    let filename: string | undefined;
    let field = false;
    let charset: string | undefined;
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const header = line.slice(0, colon).trim().toLowerCase();
      if (header === 'content-disposition') {
        const params = headerParams(line.slice(colon + 1));
        name ??= params.get('name') ?? '';
        const file = params.get('filename') ?? params.get('filename*');
        if (file === undefined) field = true;
        else filename ??= file;
      } else if (header === 'content-type') {
        charset ??= headerParams(line.slice(colon + 1)).get('charset');
      }
    }
    if (name === undefined) {
      this.part = undefined; // busboy and undici skip a part without a disposition
      return;
    }
    if (filename !== undefined) this.fields.push({ name, value: filename, file: true });
    // A file's content is not text the client typed; its name is.
    this.part = { name, file: !field, chunks: [], charset };
  }

  private content(bytes: Buffer): void {
    const part = this.part;
    if (part === undefined || part.file || bytes.length === 0) return;
    this.kept += bytes.length;
    if (this.kept > this.maxBytes) return this.overflowed();
    part.chunks.push(Buffer.from(bytes));
  }

  private endPart(): void {
    const part = this.part;
    this.part = undefined;
    if (part === undefined || part.file) return;
    const bytes = Buffer.concat(part.chunks);
    const text = bytes.toString('utf8');
    this.fields.push({ name: part.name, value: text, file: false });
    // busboy decodes a field in the charset its part declares (undici always as UTF-8): an
    // injection sent as UTF-16 reaches the app as text only that decoding shows.
    const other = part.charset === undefined ? undefined : decodeAs(bytes, part.charset);
    if (other !== undefined && other !== text) this.fields.push({ name: part.name, value: other, file: false });
  }

  private overflowed(): void {
    this.overflow = true;
    this.fields = [];
    this.part = undefined;
    this.pending = EMPTY;
  }
}

const EMPTY = Buffer.alloc(0);

/** The bytes decoded in a declared charset, or undefined for a label TextDecoder does not know. */
function decodeAs(bytes: Buffer, charset: string): string | undefined {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The parameters of a header value (`form-data; name="a"; filename="b"`), names lower-cased,
 * quoted values unquoted. A `;` inside quotes belongs to the value.
 */
export function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = value.indexOf(';');
  if (i === -1) return params;
  while (i < value.length) {
    i++; // past ';'
    const eq = value.indexOf('=', i);
    const semi = value.indexOf(';', i);
    if (eq === -1 || (semi !== -1 && semi < eq)) {
      if (semi === -1) break;
      i = semi;
      continue;
    }
    const name = value.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    while (j < value.length && (value[j] === ' ' || value[j] === '\t')) j++;
    let text = '';
    if (value[j] === '"') {
      j++;
      while (j < value.length && value[j] !== '"') {
        if (value[j] === '\\' && j + 1 < value.length) j++;
        text += value[j];
        j++;
      }
      j++; // past the closing quote
      const next = value.indexOf(';', j);
      i = next === -1 ? value.length : next;
    } else {
      const end = value.indexOf(';', j);
      text = value.slice(j, end === -1 ? value.length : end).trim();
      i = end === -1 ? value.length : end;
    }
    if (name.length > 0 && !params.has(name)) params.set(name, text);
  }
  return params;
}

/** Inputs of a multipart body: each text field by its name, each file's name. */
export function collectMultipart(value: unknown, source: InputSource, path: string, budget: WalkBudget, out: UserInput[]): void {
  const body = value as MultipartSnapshot;
  if (body.overflow) return exceed(budget, 'maxBytes', source, path);
  for (const field of body.fields) {
    const name = path.length === 0 ? field.name : `${path}.${field.name}`;
    if (!addString(field.value, source, name, budget, out)) return;
    if (!isPlainWord(field.name) && !addString(field.name, source, name, budget, out)) return;
  }
}
