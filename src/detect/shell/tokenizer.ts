// A hand-written lexer for POSIX shell with the bash extensions apps actually use.
// It is total (never throws), linear in the input (char-code loops, no regex, nesting
// capped), and keeps exact offsets so a detector can ask "which token holds this span".
// It lexes; it does not execute or fully parse: keywords are only recognised where the
// lexer itself needs them (case patterns inside `$(...)`, command-name positions).

export type ShellTokenKind = 'word' | 'operator' | 'redirection' | 'comment' | 'heredoc';

export type WordPartKind =
  | 'literal' // unquoted (or inside-quote) plain characters
  | 'escape' // backslash and the character it quotes
  | 'single-quoted' // '...'
  | 'double-quoted' // "..." and $"..."
  | 'ansi-c' // $'...'
  | 'parameter' // $name, $1, $?, ${...}
  | 'arithmetic' // $((...)) and bash's deprecated $[...]
  | 'command' // $(...)
  | 'backtick' // `...`
  | 'process' // <(...) and >(...)
  | 'glob' // unquoted * ? [
  | 'brace' // unquoted { } (brace expansion, brace groups)
  | 'tilde'; // unquoted ~ at word start, or after the `=` or a `:` of a NAME=value word

export interface WordPart {
  readonly kind: WordPartKind;
  readonly start: number;
  readonly end: number;
  /** Inside the delimiters (`'a'` -> the `a`); equals start/end for undelimited parts. */
  readonly contentStart: number;
  readonly contentEnd: number;
  /** The closing delimiter is missing: the shell would reject or misread the script. */
  readonly unterminated: boolean;
  /** Inner parts of double-quoted, ansi-c parts (literal, escape, expansions). */
  readonly parts: readonly WordPart[];
  /** Tokens of the nested script inside command, backtick and process parts. */
  readonly tokens: readonly ShellToken[];
}

export interface ShellToken {
  readonly kind: ShellTokenKind;
  readonly start: number;
  readonly end: number;
  /** Word: the word itself. Heredoc: the body without the delimiter line. Comment: after `#`. */
  readonly contentStart: number;
  readonly contentEnd: number;
  /** Word parts, or the parts of a here-document body whose delimiter was unquoted. */
  readonly parts: readonly WordPart[];
  readonly unterminated: boolean;
  /** Word with at least one quoted or escaped part; heredoc with a quoted delimiter (literal body). */
  readonly quoted: boolean;
  /** Word with a parameter, arithmetic, command or process expansion (also inside double
   *  quotes), or an unquoted glob/brace/tilde. */
  readonly expands: boolean;
  /** Word in command-name position (the program a simple command runs). */
  readonly commandName: boolean;
  /** `NAME=value` word before the command name. */
  readonly assignment: boolean;
}

export interface LexResult {
  readonly tokens: readonly ShellToken[];
  /** Something (quote, substitution, here-document) was left open, or nesting was too deep. */
  readonly unterminated: boolean;
}

const NO_PARTS: readonly WordPart[] = Object.freeze([]);
const NO_TOKENS: readonly ShellToken[] = Object.freeze([]);

/** Deeper nesting than this is treated as an unterminated (hostile) script. */
const MAX_DEPTH = 64;

// Character codes.
const TAB = 9;
const LF = 10;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const AMP = 38;
const SQUOTE = 39;
const LPAREN = 40;
const RPAREN = 41;
const STAR = 42;
const MINUS = 45;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const EQ = 61;
const GT = 62;
const QUESTION = 63;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const UNDERSCORE = 95;
const BACKTICK = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const TILDE = 126;

// Character classes for the unquoted word loop (ASCII only; everything >= 128 is plain).
const C_PLAIN = 0;
const C_META = 1; // ends a word: blank, newline, ; & | ( ) < >
const C_SPECIAL = 2; // starts a part: \ ' " $ ` * ? [ { } ~
const CLASS = new Uint8Array(128);
for (const c of [SPACE, TAB, LF, SEMI, AMP, PIPE, LPAREN, RPAREN, LT, GT]) CLASS[c] = C_META;
for (const c of [BACKSLASH, SQUOTE, DQUOTE, DOLLAR, BACKTICK, STAR, QUESTION, LBRACKET, LBRACE, RBRACE, TILDE]) {
  CLASS[c] = C_SPECIAL;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE;
const isNameChar = (c: number): boolean => isNameStart(c) || isDigit(c);
// $? $# $@ $* $$ $! $- $0..$9
const isSpecialParam = (c: number): boolean =>
  c === QUESTION || c === HASH || c === AT || c === STAR || c === DOLLAR || c === BANG ||
  c === MINUS || isDigit(c);

// Case statement states, kept per nested command list: only needed so that the `)` closing
// a case pattern inside `$(...)` does not end the substitution.
const CASE_SUBJECT = 0;
const CASE_IN = 1;
const CASE_PATTERN = 2;
const CASE_BODY = 3;

interface PendingHeredoc {
  readonly delimiter: string;
  readonly stripTabs: boolean;
  readonly quoted: boolean;
}

function part(
  kind: WordPartKind,
  start: number,
  end: number,
  contentStart: number,
  contentEnd: number,
  unterminated: boolean,
  parts: readonly WordPart[],
  tokens: readonly ShellToken[],
): WordPart {
  return { kind, start, end, contentStart, contentEnd, unterminated, parts, tokens };
}

/** Inner parts of a double-quoted string include an expansion. */
function hasExpansion(parts: readonly WordPart[]): boolean {
  for (let i = 0; i < parts.length; i++) if (parts[i].kind !== 'literal' && parts[i].kind !== 'escape') return true;
  return false;
}

/** Close a pending literal run [from, to) (from -1: none); returns -1 for the caller's reset. */
function pushLiteral(parts: WordPart[], from: number, to: number): number {
  if (from !== -1) parts.push(part('literal', from, to, from, to, false, NO_PARTS, NO_TOKENS));
  return -1;
}

function simpleToken(kind: ShellTokenKind, start: number, end: number, contentStart = start): ShellToken {
  return {
    kind, start, end, contentStart, contentEnd: end, parts: NO_PARTS, unterminated: false,
    quoted: false, expands: false, commandName: false, assignment: false,
  };
}

class Lexer {
  readonly src: string;
  pos = 0;
  /** End of the region being lexed: the script, or the inside of a backtick / heredoc. */
  limit: number;
  depth = 0;
  unterminated = false;
  heredocs: PendingHeredoc[] = [];
  /** Reserved word spelled by the last word lexed in command position. */
  lastKeyword: string | undefined;
  /** Stop at the first unterminated construct (the detector needs no tokens then). */
  readonly halt: boolean;
  halted = false;

  constructor(src: string, halt: boolean) {
    this.src = src;
    this.limit = src.length;
    this.halt = halt;
  }

  markUnterminated(): void {
    this.unterminated = true;
    if (this.halt) {
      // Every loop runs while pos < limit: a zero limit unwinds them all at once.
      this.halted = true;
      this.limit = 0;
      this.pos = 0;
    }
  }

  /** Restore an outer region's limit (unless halted). */
  restoreLimit(limit: number): void {
    if (!this.halted) this.limit = limit;
  }

  code(at: number): number {
    return at < this.limit ? this.src.charCodeAt(at) : -1;
  }

  /** Give up on a too-deep region: consume it and fail closed. */
  bail(): void {
    this.markUnterminated();
    this.pos = this.limit;
  }

  /** A list of commands up to the region end, or up to the `)` closing a `$(` / `<(`. */
  lexList(closeOnParen: boolean): ShellToken[] {
    const tokens: ShellToken[] = [];
    if (++this.depth > MAX_DEPTH) {
      this.bail();
      this.depth--;
      return tokens;
    }
    let cmdPos = true; // the next word would be a command name
    let redirTarget = 0; // 0: none, 1: plain target next, 2: heredoc delimiter, 3: <<- delimiter
    let parens = 0;
    let prevOpenParen = false; // `name()` function definitions: body follows `)`
    let cases: number[] | undefined; // allocated at the first `case`
    const src = this.src;

    while (this.pos < this.limit) {
      const start = this.pos;
      const c = src.charCodeAt(start);
      const caseState = cases !== undefined && cases.length > 0 ? cases[cases.length - 1] : -1;

      if (c === SPACE || c === TAB) {
        this.pos++;
        continue;
      }
      if (c === BACKSLASH && this.code(start + 1) === LF) {
        this.pos += 2; // line continuation between tokens
        continue;
      }
      if (c === HASH) {
        const end = this.findChar(LF, start + 1);
        tokens.push(simpleToken('comment', start, end, start + 1));
        this.pos = end;
        continue;
      }
      if (c === LF) {
        tokens.push(simpleToken('operator', start, start + 1));
        this.pos++;
        if (caseState !== CASE_PATTERN && caseState !== CASE_SUBJECT && caseState !== CASE_IN) cmdPos = true;
        redirTarget = 0;
        prevOpenParen = false;
        if (this.heredocs.length > 0) this.readHeredocs(tokens);
        continue;
      }
      if (c === SEMI || c === AMP || c === PIPE) {
        const n1 = this.code(start + 1);
        let len = 1;
        let redirection = false;
        if (c === SEMI) {
          if (n1 === SEMI) len = this.code(start + 2) === AMP ? 3 : 2; // ;; ;;&
          else if (n1 === AMP) len = 2; // ;&
        } else if (c === AMP) {
          if (n1 === AMP) len = 2; // &&
          else if (n1 === GT) {
            redirection = true; // &> &>>
            len = this.code(start + 2) === GT ? 3 : 2;
          }
        } else if (n1 === PIPE || n1 === AMP) {
          len = 2; // || |&
        }
        this.pos += len;
        if (redirection) {
          tokens.push(simpleToken('redirection', start, this.pos));
          redirTarget = 1;
          continue;
        }
        tokens.push(simpleToken('operator', start, this.pos));
        prevOpenParen = false;
        if (c === SEMI && len > 1 && caseState === CASE_BODY && cases !== undefined) {
          cases[cases.length - 1] = CASE_PATTERN;
          cmdPos = false;
        } else if (caseState === CASE_PATTERN && c === PIPE) {
          cmdPos = false; // `a|b)` alternatives in a case pattern
        } else {
          cmdPos = true;
        }
        continue;
      }
      if (c === LPAREN) {
        this.pos++;
        tokens.push(simpleToken('operator', start, start + 1));
        if (caseState !== CASE_PATTERN) {
          parens++;
          cmdPos = true;
          prevOpenParen = true;
        }
        continue;
      }
      if (c === RPAREN) {
        if (caseState === CASE_PATTERN && cases !== undefined) {
          cases[cases.length - 1] = CASE_BODY;
          cmdPos = true;
        } else if (parens > 0) {
          parens--;
          cmdPos = prevOpenParen; // `f() { ...; }` or `f() cmd`
        } else if (closeOnParen) {
          break; // the caller consumes the `)`
        }
        this.pos++;
        tokens.push(simpleToken('operator', start, start + 1));
        prevOpenParen = false;
        continue;
      }
      prevOpenParen = false;
      if ((c === LT || c === GT) && this.code(start + 1) !== LPAREN) {
        redirTarget = this.lexRedirection(tokens, start, start);
        continue;
      }
      if (isDigit(c)) {
        // `2>file`, `10<&0`: a number glued to a redirection operator is its fd.
        let j = start + 1;
        while (isDigit(this.code(j))) j++;
        const n = this.code(j);
        if ((n === LT || n === GT) && this.code(j + 1) !== LPAREN) {
          redirTarget = this.lexRedirection(tokens, start, j);
          continue;
        }
      }

      const word = this.lexWord(cmdPos && redirTarget === 0 && caseState !== CASE_PATTERN);
      tokens.push(word);
      if (redirTarget !== 0) {
        if (redirTarget >= 2) this.heredocs.push(this.heredocOf(word, redirTarget === 3));
        redirTarget = 0;
        continue;
      }
      if (word.assignment) continue; // `A=1 B=2 cmd`: still before the command name
      if (!cmdPos && caseState === -1) continue; // an argument: nothing to track
      const keyword = cmdPos && caseState !== CASE_PATTERN ? this.lastKeyword : this.keywordOf(word);
      if (cases !== undefined && caseState === CASE_SUBJECT) {
        cases[cases.length - 1] = CASE_IN;
      } else if (cases !== undefined && caseState === CASE_IN) {
        if (keyword === 'in') cases[cases.length - 1] = CASE_PATTERN;
      } else if (cases !== undefined && caseState === CASE_PATTERN && keyword === 'esac') {
        cases.pop();
        cmdPos = false;
      } else if (cmdPos) {
        switch (keyword) {
          case '!': case '{': case 'do': case 'elif': case 'else': case 'if': case 'then':
          case 'time': case 'until': case 'while': case 'coproc':
            break; // a command follows
          case 'case':
            (cases ??= []).push(CASE_SUBJECT);
            cmdPos = false;
            break;
          case 'esac':
            if (caseState === CASE_BODY && cases !== undefined) cases.pop();
            cmdPos = false;
            break;
          default:
            cmdPos = false;
        }
      }
    }
    this.depth--;
    return tokens;
  }

  /** Lex a redirection operator at `opAt` (fd digits from `start`); returns the target state. */
  lexRedirection(tokens: ShellToken[], start: number, opAt: number): number {
    const c = this.src.charCodeAt(opAt);
    const n1 = this.code(opAt + 1);
    const n2 = this.code(opAt + 2);
    let len = 1;
    let target = 1;
    if (c === LT) {
      if (n1 === LT) {
        if (n2 === LT) len = 3; // <<< here-string
        else if (n2 === MINUS) {
          len = 3; // <<- heredoc, leading tabs stripped
          target = 3;
        } else {
          len = 2;
          target = 2;
        }
      } else if (n1 === AMP || n1 === GT) len = 2; // <& <>
    } else if (n1 === GT || n1 === AMP || n1 === PIPE) {
      len = 2; // >> >& >|
    }
    this.pos = opAt + len;
    tokens.push(simpleToken('redirection', start, this.pos));
    return target;
  }

  /** One unquoted word: a run of parts up to a metacharacter. */
  lexWord(atCommand: boolean): ShellToken {
    const src = this.src;
    const start = this.pos;
    const parts: WordPart[] = [];
    let litStart = -1;
    let quoted = false;
    let expands = false;
    // NAME=value shape (assignments, and arguments bash treats alike): ~ expands after the
    // first `=` and after each `:` of the value. 0: undecided, 1: yes, -1: no.
    let assignmentShape = 0;

    while (this.pos < this.limit) {
      const at = this.pos;
      const c = src.charCodeAt(at);
      const cls = c < 128 ? CLASS[c] : C_PLAIN;
      if (cls === C_PLAIN) {
        if (litStart === -1) litStart = at;
        if (c === EQ && assignmentShape === 0) assignmentShape = litStart === start && isNameRun(src, start, at) ? 1 : -1;
        this.pos++;
        continue;
      }
      if (assignmentShape === 0 && c !== TILDE) assignmentShape = -1; // quotes etc. before any `=`
      if (cls === C_META) {
        if ((c === LT || c === GT) && at === start && this.code(at + 1) === LPAREN) {
          this.pos += 2;
          parts.push(this.lexNested('process', at));
          expands = true;
          continue;
        }
        break;
      }
      switch (c) {
        case BACKSLASH: {
          litStart = pushLiteral(parts, litStart, at);
          const end = at + 1 < this.limit ? at + 2 : at + 1;
          parts.push(part('escape', at, end, at + 1, end, false, NO_PARTS, NO_TOKENS));
          this.pos = end;
          quoted = true;
          break;
        }
        case SQUOTE:
          litStart = pushLiteral(parts, litStart, at);
          parts.push(this.lexSingle());
          quoted = true;
          break;
        case DQUOTE: {
          litStart = pushLiteral(parts, litStart, at);
          this.pos++;
          const p = this.lexDouble(at, DQUOTE);
          parts.push(p);
          quoted = true;
          if (hasExpansion(p.parts)) expands = true;
          break;
        }
        case DOLLAR: {
          litStart = pushLiteral(parts, litStart, at);
          const p = this.lexDollar(false);
          if (p.kind === 'literal') {
            litStart = p.start; // a lone `$` is just a character
          } else {
            if (p.kind === 'single-quoted' || p.kind === 'ansi-c' || p.kind === 'double-quoted') quoted = true;
            if (p.kind !== 'single-quoted' && p.kind !== 'ansi-c' && (p.kind !== 'double-quoted' || hasExpansion(p.parts))) {
              expands = true;
            }
            parts.push(p);
          }
          break;
        }
        case BACKTICK:
          litStart = pushLiteral(parts, litStart, at);
          parts.push(this.lexBacktick());
          expands = true;
          break;
        case STAR:
        case QUESTION:
        case LBRACKET:
          litStart = pushLiteral(parts, litStart, at);
          parts.push(part('glob', at, at + 1, at, at + 1, false, NO_PARTS, NO_TOKENS));
          this.pos++;
          expands = true;
          break;
        case LBRACE:
        case RBRACE:
          litStart = pushLiteral(parts, litStart, at);
          parts.push(part('brace', at, at + 1, at, at + 1, false, NO_PARTS, NO_TOKENS));
          this.pos++;
          expands = true;
          break;
        default: {
          // TILDE: at word start, or after `=`/`:` in a NAME=value word (PATH=~/bin:~/x).
          const prev = at > start ? src.charCodeAt(at - 1) : -1;
          if (at === start || (assignmentShape === 1 && litStart !== -1 && (prev === EQ || prev === COLON))) {
            litStart = pushLiteral(parts, litStart, at);
            parts.push(part('tilde', at, at + 1, at, at + 1, false, NO_PARTS, NO_TOKENS));
            expands = true;
          } else if (litStart === -1) {
            litStart = at;
          }
          this.pos++;
        }
      }
    }
    pushLiteral(parts, litStart, this.pos);

    let unterminated = false;
    for (let i = 0; i < parts.length; i++) if (parts[i].unterminated) unterminated = true;
    const assignment = atCommand && isAssignment(src, start, parts);
    const token: ShellToken = {
      kind: 'word', start, end: this.pos, contentStart: start, contentEnd: this.pos,
      parts: parts.length > 0 ? parts : NO_PARTS, unterminated, quoted, expands,
      commandName: false, assignment,
    };
    this.lastKeyword = atCommand && !assignment ? this.keywordOf(token) : undefined;
    if (atCommand && !assignment && this.lastKeyword === undefined) {
      (token as { commandName: boolean }).commandName = true;
    }
    return token;
  }

  /** The reserved word a token spells, if it is a short plain word (no allocation). */
  keywordOf(word: ShellToken): string | undefined {
    const len = word.end - word.start;
    if (len === 0 || len >= RESERVED_BY_LENGTH.length || word.quoted) return undefined;
    for (let i = 0; i < word.parts.length; i++) {
      const k = word.parts[i].kind;
      if (k !== 'literal' && k !== 'brace' && k !== 'glob') return undefined;
    }
    const candidates = RESERVED_BY_LENGTH[len];
    for (let i = 0; i < candidates.length; i++) if (this.src.startsWith(candidates[i], word.start)) return candidates[i];
    return undefined;
  }

  /** `'...'`: nothing is special inside. */
  lexSingle(): WordPart {
    const start = this.pos;
    const close = this.findChar(SQUOTE, start + 1);
    return this.closeAt('single-quoted', start, start + 1, close, 1, NO_PARTS, NO_TOKENS);
  }

  /** `"..."` from just after the quote; `$`, backtick and some escapes stay active. */
  lexDouble(start: number, closeChar: number): WordPart {
    const contentStart = this.pos;
    if (!this.enter()) return this.closeAt('double-quoted', start, contentStart, this.limit, 1, NO_PARTS, NO_TOKENS);
    const parts = this.lexQuotedParts(closeChar);
    this.depth--;
    return this.closeAt('double-quoted', start, contentStart, this.pos, 1, parts, NO_TOKENS);
  }

  /**
   * Parts of a double-quoted string (closeChar `"`) or of a heredoc body (closeChar -1):
   * literal runs, escapes of `$ \` \ newline` (and `"` in strings), expansions.
   */
  lexQuotedParts(closeChar: number): WordPart[] {
    const src = this.src;
    const parts: WordPart[] = [];
    let litStart = -1;
    while (this.pos < this.limit) {
      const at = this.pos;
      const c = src.charCodeAt(at);
      if (c === closeChar) break;
      if (c === BACKSLASH) {
        const n = this.code(at + 1);
        if (n === DOLLAR || n === BACKTICK || n === BACKSLASH || n === LF || (n === DQUOTE && closeChar === DQUOTE)) {
          litStart = pushLiteral(parts, litStart, at);
          parts.push(part('escape', at, at + 2, at + 1, at + 2, false, NO_PARTS, NO_TOKENS));
          this.pos += 2;
        } else {
          if (litStart === -1) litStart = at;
          this.pos += n === -1 ? 1 : 2;
        }
      } else if (c === DOLLAR) {
        litStart = pushLiteral(parts, litStart, at);
        const p = this.lexDollar(true);
        if (p.kind === 'literal') litStart = p.start;
        else parts.push(p);
      } else if (c === BACKTICK) {
        litStart = pushLiteral(parts, litStart, at);
        parts.push(this.lexBacktick());
      } else {
        if (litStart === -1) litStart = at;
        this.pos++;
      }
    }
    pushLiteral(parts, litStart, this.pos);
    return parts;
  }

  /** Everything introduced by `$`. Returns a one-character literal for a lone `$`. */
  lexDollar(inDouble: boolean): WordPart {
    const start = this.pos;
    const n = this.code(start + 1);
    if (n === LPAREN) {
      if (this.code(start + 2) === LPAREN) return this.lexArithmetic(start);
      this.pos += 2;
      return this.lexNested('command', start);
    }
    if (n === LBRACE) return this.lexBraced(start, inDouble);
    if (n === LBRACKET) return this.lexOldArithmetic(start, inDouble);
    if (n === SQUOTE && !inDouble) return this.lexAnsi(start);
    if (n === DQUOTE && !inDouble) {
      this.pos += 2; // $"..." locale string: quoted like "..."
      return this.lexDouble(start, DQUOTE);
    }
    if (isNameStart(n)) {
      let j = start + 2;
      while (isNameChar(this.code(j))) j++;
      this.pos = j;
      return part('parameter', start, j, start + 1, j, false, NO_PARTS, NO_TOKENS);
    }
    if (n !== -1 && isSpecialParam(n)) {
      this.pos = start + 2;
      return part('parameter', start, start + 2, start + 1, start + 2, false, NO_PARTS, NO_TOKENS);
    }
    this.pos = start + 1;
    return part('literal', start, start + 1, start, start + 1, false, NO_PARTS, NO_TOKENS);
  }

  /** `$(...)` or `<(...)`/`>(...)` with this.pos just after the `(`. */
  lexNested(kind: 'command' | 'process', start: number): WordPart {
    const contentStart = this.pos;
    const tokens = this.lexList(true);
    return this.closeAt(kind, start, contentStart, this.pos, 1, NO_PARTS, tokens);
  }

  /** `$((...))`; falls back to a command substitution for `$((cmd) ...)`. */
  lexArithmetic(start: number): WordPart {
    const contentStart = start + 3;
    this.pos = contentStart;
    if (!this.enter()) return this.closeAt('arithmetic', start, contentStart, this.limit, 2, NO_PARTS, NO_TOKENS);
    let parens = 0;
    let result: WordPart | undefined;
    while (this.pos < this.limit) {
      const c = this.src.charCodeAt(this.pos);
      if (c === LPAREN) {
        parens++;
        this.pos++;
      } else if (c === RPAREN) {
        if (parens > 0) {
          parens--;
          this.pos++;
        } else if (this.code(this.pos + 1) === RPAREN) {
          break;
        } else {
          // `$((a); b)`: it was `$(` followed by a subshell. The content lexed so far is
          // not in `tokens`; the detector treats spans it cannot place as substitutions.
          this.pos++;
          const tokens = this.lexList(true);
          result = this.closeAt('command', start, start + 2, this.pos, 1, NO_PARTS, tokens);
          break;
        }
      } else {
        this.skipInExpansion(c, true);
      }
    }
    this.depth--;
    return result ?? this.closeAt('arithmetic', start, contentStart, this.pos, 2, NO_PARTS, NO_TOKENS);
  }

  /** `${...}`: scanned to its matching `}`; its inside is never safe for input anyway. */
  lexBraced(start: number, inDouble: boolean): WordPart {
    const contentStart = start + 2;
    this.pos = contentStart;
    if (!this.enter()) return this.closeAt('parameter', start, contentStart, this.limit, 1, NO_PARTS, NO_TOKENS);
    while (this.pos < this.limit) {
      const c = this.src.charCodeAt(this.pos);
      if (c === RBRACE) break;
      this.skipInExpansion(c, inDouble);
    }
    this.depth--;
    return this.closeAt('parameter', start, contentStart, this.pos, 1, NO_PARTS, NO_TOKENS);
  }

  /** `$[...]`: bash still evaluates this deprecated arithmetic form. */
  lexOldArithmetic(start: number, inDouble: boolean): WordPart {
    const contentStart = start + 2;
    this.pos = contentStart;
    if (!this.enter()) return this.closeAt('arithmetic', start, contentStart, this.limit, 1, NO_PARTS, NO_TOKENS);
    let brackets = 0;
    while (this.pos < this.limit) {
      const c = this.src.charCodeAt(this.pos);
      if (c === RBRACKET) {
        if (brackets === 0) break;
        brackets--;
        this.pos++;
      } else if (c === LBRACKET) {
        brackets++;
        this.pos++;
      } else {
        this.skipInExpansion(c, inDouble);
      }
    }
    this.depth--;
    return this.closeAt('arithmetic', start, contentStart, this.pos, 1, NO_PARTS, NO_TOKENS);
  }

  /** Step over one character or nested construct inside `${...}` / `$((...))`. */
  skipInExpansion(c: number, inDouble: boolean): void {
    if (c === BACKSLASH) this.pos = Math.min(this.pos + 2, this.limit);
    else if (c === SQUOTE && !inDouble) this.lexSingle();
    else if (c === DQUOTE) {
      const at = this.pos++;
      this.lexDouble(at, DQUOTE);
    } else if (c === DOLLAR) this.lexDollar(inDouble);
    else if (c === BACKTICK) this.lexBacktick();
    else this.pos++;
  }

  /** `$'...'`: backslash escapes are interpreted, `\'` does not close. */
  lexAnsi(start: number): WordPart {
    const contentStart = start + 2;
    const src = this.src;
    const parts: WordPart[] = [];
    let at = contentStart;
    let litStart = -1;
    while (at < this.limit) {
      const c = src.charCodeAt(at);
      if (c === SQUOTE) break;
      if (c === BACKSLASH) {
        if (litStart !== -1) {
          parts.push(part('literal', litStart, at, litStart, at, false, NO_PARTS, NO_TOKENS));
          litStart = -1;
        }
        const end = Math.min(at + 2, this.limit);
        parts.push(part('escape', at, end, at + 1, end, false, NO_PARTS, NO_TOKENS));
        at = end;
      } else {
        if (litStart === -1) litStart = at;
        at++;
      }
    }
    if (litStart !== -1) parts.push(part('literal', litStart, at, litStart, at, false, NO_PARTS, NO_TOKENS));
    return this.closeAt('ansi-c', start, contentStart, at, 1, parts, NO_TOKENS);
  }

  /** Backquotes: find the closing backtick first (`\`` does not close), then lex the inside. */
  lexBacktick(): WordPart {
    const start = this.pos;
    let j = start + 1;
    while (j < this.limit) {
      const c = this.src.charCodeAt(j);
      if (c === BACKTICK) break;
      j += c === BACKSLASH ? 2 : 1;
    }
    const close = Math.min(j, this.limit);
    const saved = this.limit;
    this.limit = close;
    this.pos = start + 1;
    const tokens = this.lexList(false);
    this.restoreLimit(saved);
    return this.closeAt('backtick', start, start + 1, close, 1, NO_PARTS, tokens);
  }

  /**
   * Finish a delimited part whose content ends at `close`: if `close` holds the closing
   * delimiter (`closeLen` characters) consume it, else mark the part unterminated.
   */
  closeAt(
    kind: WordPartKind,
    start: number,
    contentStart: number,
    close: number,
    closeLen: number,
    parts: readonly WordPart[],
    tokens: readonly ShellToken[],
  ): WordPart {
    const unterminated = close >= this.limit;
    if (unterminated) {
      const end = this.limit;
      this.markUnterminated();
      this.pos = this.limit;
      return part(kind, start, end, contentStart, end, true, parts, tokens);
    }
    this.pos = close + closeLen;
    return part(kind, start, this.pos, contentStart, close, false, parts, tokens);
  }

  /** Track nesting; when too deep, consume the region and fail closed. */
  enter(): boolean {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.bail();
      return false;
    }
    return true;
  }

  findChar(ch: number, from: number): number {
    const src = this.src;
    let i = from;
    while (i < this.limit && src.charCodeAt(i) !== ch) i++;
    return i;
  }

  /** The delimiter of `<<word`: quote removal applied; any quoting makes the body literal. */
  heredocOf(word: ShellToken, stripTabs: boolean): PendingHeredoc {
    let delimiter = '';
    let quoted = false;
    for (const p of word.parts) {
      if (p.kind === 'literal' || p.kind === 'glob' || p.kind === 'brace' || p.kind === 'tilde') {
        delimiter += this.src.slice(p.start, p.end);
      } else {
        quoted = true;
        delimiter += this.src.slice(p.contentStart, p.contentEnd);
      }
    }
    return { delimiter, stripTabs, quoted };
  }

  /** After a newline: each pending here-document body runs to its delimiter line. */
  readHeredocs(tokens: ShellToken[]): void {
    const pending = this.heredocs;
    this.heredocs = [];
    const src = this.src;
    for (const doc of pending) {
      const bodyStart = this.pos;
      let lineStart = bodyStart;
      let contentEnd = -1;
      let end = this.limit;
      while (lineStart < this.limit) {
        const lineEnd = this.findChar(LF, lineStart);
        let p = lineStart;
        if (doc.stripTabs) while (p < lineEnd && src.charCodeAt(p) === TAB) p++;
        if (lineEnd - p === doc.delimiter.length && src.startsWith(doc.delimiter, p)) {
          contentEnd = lineStart;
          end = lineEnd < this.limit ? lineEnd + 1 : lineEnd;
          break;
        }
        lineStart = lineEnd + 1;
      }
      const unterminated = contentEnd === -1;
      if (unterminated) {
        contentEnd = this.limit;
        this.markUnterminated();
        if (this.halted) return;
      }
      let parts: readonly WordPart[] = NO_PARTS;
      if (!doc.quoted && contentEnd > bodyStart) {
        const saved = this.limit;
        this.limit = contentEnd;
        this.pos = bodyStart;
        if (this.enter()) {
          parts = this.lexQuotedParts(-1);
          this.depth--;
        }
        this.restoreLimit(saved);
      }
      this.pos = end;
      tokens.push({
        kind: 'heredoc', start: bodyStart, end, contentStart: bodyStart, contentEnd, parts,
        unterminated, quoted: doc.quoted, expands: false, commandName: false, assignment: false,
      });
    }
  }
}

const RESERVED = [
  '!', '{', '}', 'case', 'coproc', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for',
  'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while', '[[', ']]',
];
/** Reserved words indexed by length, so a word is compared only with same-length ones. */
const RESERVED_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const byLength: string[][] = [];
  for (let n = 0; n <= 8; n++) byLength.push(RESERVED.filter((w) => w.length === n));
  return byLength;
})();

/** src[from, to) is a shell name: a letter or `_`, then letters, digits, `_` (`+` before `=`). */
function isNameRun(src: string, from: number, to: number): boolean {
  if (to <= from || !isNameStart(src.charCodeAt(from))) return false;
  let end = to;
  if (src.charCodeAt(end - 1) === 43 /* + */ && end - 1 > from) end--; // NAME+=
  for (let i = from + 1; i < end; i++) if (!isNameChar(src.charCodeAt(i))) return false;
  return true;
}

/** `NAME=...` or `NAME+=...` with the name unquoted at the start of the word. */
function isAssignment(src: string, start: number, parts: readonly WordPart[]): boolean {
  if (parts.length === 0 || parts[0].kind !== 'literal' || parts[0].start !== start) return false;
  const end = parts[0].end;
  if (!isNameStart(src.charCodeAt(start))) return false;
  let i = start + 1;
  while (i < end && isNameChar(src.charCodeAt(i))) i++;
  if (i < end && src.charCodeAt(i) === 43 /* + */) i++;
  return i < end && src.charCodeAt(i) === EQ;
}

/**
 * Tokens plus whether the script left something open (the detector fails closed then).
 * With `haltOnUnterminated`, lexing stops there and the tokens are incomplete.
 */
export function lexShell(script: string, haltOnUnterminated = false): LexResult {
  const lexer = new Lexer(script, haltOnUnterminated);
  const tokens = lexer.lexList(false); // at top level a stray `)` is an operator, not an end
  if (lexer.heredocs.length > 0) lexer.unterminated = true; // `<<EOF` with no body at all
  return { tokens, unterminated: lexer.unterminated };
}

/** Split a shell script into tokens. Total: never throws, whatever the input. */
export function tokenizeShell(script: string): ShellToken[] {
  return lexShell(script).tokens as ShellToken[];
}
