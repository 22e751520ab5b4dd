import t from 'tap';
import { tokenizeShell, type ShellToken, type WordPart } from '../../../src/detect/shell';
import { lexShell } from '../../../src/detect/shell/tokenizer';

/** Compact view of tokens: kind:text, words with their part kinds. */
function view(src: string, tokens: readonly ShellToken[] = tokenizeShell(src)): string[] {
  return tokens.map((tok) => {
    const text = src.slice(tok.start, tok.end);
    if (tok.kind !== 'word') return `${tok.kind}:${text}`;
    return `word:${text}[${tok.parts.map((p) => p.kind).join(',')}]`;
  });
}

const text = (src: string, p: { start: number; end: number }): string => src.slice(p.start, p.end);

t.test('words, blanks and control operators', async (t) => {
  t.same(view('ls -la /tmp'), ['word:ls[literal]', 'word:-la[literal]', 'word:/tmp[literal]']);
  t.same(view('a;b&c|d&&e||f|&g;;h'), [
    'word:a[literal]', 'operator:;', 'word:b[literal]', 'operator:&', 'word:c[literal]', 'operator:|',
    'word:d[literal]', 'operator:&&', 'word:e[literal]', 'operator:||', 'word:f[literal]', 'operator:|&',
    'word:g[literal]', 'operator:;;', 'word:h[literal]',
  ]);
  t.same(view('a\nb'), ['word:a[literal]', 'operator:\n', 'word:b[literal]']);
  t.same(view('(a) { b; }'), [
    'operator:(', 'word:a[literal]', 'operator:)', 'word:{[brace]', 'word:b[literal]', 'operator:;', 'word:}[brace]',
  ]);
  t.same(view('a \\\n b'), ['word:a[literal]', 'word:b[literal]'], 'line continuation between words');
  t.same(view(''), []);
  t.same(view('   \t '), []);
});

t.test('offsets are exact and ordered', async (t) => {
  const src = "echo  'x y'  \"$HOME\"; ls";
  const toks = tokenizeShell(src);
  t.same(toks.map((x) => [x.start, x.end]), [[0, 4], [6, 11], [13, 20], [20, 21], [22, 24]]);
  for (let i = 1; i < toks.length; i++) t.ok(toks[i].start >= toks[i - 1].end);
});

t.test('redirections with and without fd numbers', async (t) => {
  t.same(view('a >f 2>&1 <in >>log 3<>rw >|clob &>both &>>both2 <&0 9>&-'), [
    'word:a[literal]',
    'redirection:>', 'word:f[literal]',
    'redirection:2>&', 'word:1[literal]',
    'redirection:<', 'word:in[literal]',
    'redirection:>>', 'word:log[literal]',
    'redirection:3<>', 'word:rw[literal]',
    'redirection:>|', 'word:clob[literal]',
    'redirection:&>', 'word:both[literal]',
    'redirection:&>>', 'word:both2[literal]',
    'redirection:<&', 'word:0[literal]',
    'redirection:9>&', 'word:-[literal]',
  ]);
  t.same(view('cat <<<word'), ['word:cat[literal]', 'redirection:<<<', 'word:word[literal]']);
  t.same(view('echo 12 34x'), ['word:echo[literal]', 'word:12[literal]', 'word:34x[literal]'], 'digits alone are words');
});

t.test('quotes', async (t) => {
  const src = `a'b c'"d $e \\" f"$'g\\'h'`;
  const [w] = tokenizeShell(src);
  t.equal(tokenizeShell(src).length, 1, 'adjacent quoted parts form one word');
  t.same(w.parts.map((p) => p.kind), ['literal', 'single-quoted', 'double-quoted', 'ansi-c']);
  t.ok(w.quoted);
  const sq = w.parts[1];
  t.equal(text(src, sq), "'b c'");
  t.equal(src.slice(sq.contentStart, sq.contentEnd), 'b c');
  const dq = w.parts[2];
  t.same(dq.parts.map((p) => `${p.kind}:${text(src, p)}`), ['literal:d ', 'parameter:$e', 'literal: ', 'escape:\\"', 'literal: f']);
  const ansi = w.parts[3];
  t.same(ansi.parts.map((p) => `${p.kind}:${text(src, p)}`), ['literal:g', "escape:\\'", 'literal:h']);
  t.same(view(`'a\\'`), [`word:'a\\'[single-quoted]`], 'backslash is literal in single quotes');
  t.same(view('"a\\zb"')[0], 'word:"a\\zb"[double-quoted]');
  t.same(tokenizeShell('"a\\zb"')[0].parts[0].parts.map((p) => p.kind), ['literal'], '\\z stays literal inside double quotes');
  t.same(view('$"hi"'), ['word:$"hi"[double-quoted]'], 'locale string');
  const flags = (src: string) => tokenizeShell(src).map((w) => `${w.quoted ? 'Q' : '-'}${w.expands ? 'E' : '-'}`);
  t.same(flags(`a 'b' "c" "$d" $e \\f * $'g'`), ['--', 'Q-', 'Q-', 'QE', '-E', 'Q-', '-E', 'Q-'], 'quoted / expands flags');
});

t.test('expansions and substitutions', async (t) => {
  t.same(view('$a ${b:-c} $1 $? $# $@ $$ $! $- $0 $'), [
    'word:$a[parameter]', 'word:${b:-c}[parameter]', 'word:$1[parameter]', 'word:$?[parameter]',
    'word:$#[parameter]', 'word:$@[parameter]', 'word:$$[parameter]', 'word:$![parameter]',
    'word:$-[parameter]', 'word:$0[parameter]', 'word:$[literal]',
  ]);
  t.same(view('$12'), ['word:$12[parameter,literal]'], 'only one digit belongs to a positional parameter');
  t.same(view('x$((1+(2*3)))y'), ['word:x$((1+(2*3)))y[literal,arithmetic,literal]']);
  t.same(view('$[1+a[2]] "$[3]"'), ['word:$[1+a[2]][arithmetic]', 'word:"$[3]"[double-quoted]'], "bash's deprecated $[...]");
  t.same(tokenizeShell('"$[3]"')[0].parts[0].parts.map((p) => p.kind), ['arithmetic']);
  t.same(view('`id`'), ['word:`id`[backtick]']);
  t.same(view('cat <(ls) >(wc)'), ['word:cat[literal]', 'word:<(ls)[process]', 'word:>(wc)[process]']);

  const src = 'echo "$(echo "$(id)")"';
  const dq = tokenizeShell(src)[1].parts[0];
  t.equal(dq.kind, 'double-quoted');
  const outer = dq.parts[0];
  t.equal(outer.kind, 'command');
  t.equal(src.slice(outer.contentStart, outer.contentEnd), 'echo "$(id)"');
  t.same(view(src, outer.tokens), ['word:echo[literal]', 'word:"$(id)"[double-quoted]']);
  t.equal(outer.tokens[1].parts[0].parts[0].kind, 'command', 'substitution inside quotes inside substitution');

  t.same(view('${a:-"}"}x'), ['word:${a:-"}"}x[parameter,literal]'], 'quoted } does not close ${');
  t.same(view('$((ls); id)'), ['word:$((ls); id)[command]'], '$(( that is a subshell falls back to $(');
});

t.test('backticks', async (t) => {
  const src = 'a `b \\`c\\` d` e';
  const toks = tokenizeShell(src);
  t.same(view(src), ['word:a[literal]', 'word:`b \\`c\\` d`[backtick]', 'word:e[literal]']);
  const inner = toks[1].parts[0].tokens;
  t.same(view(src, inner), ['word:b[literal]', 'word:\\`c\\`[escape,literal,escape]', 'word:d[literal]']);
});

t.test('globs, braces, tilde, comments', async (t) => {
  t.same(view('*.txt a?b [ab] {x,y} ~/f ~ a~b x=~/y a:~/z'), [
    'word:*.txt[glob,literal]', 'word:a?b[literal,glob,literal]', 'word:[ab][glob,literal]',
    'word:{x,y}[brace,literal,brace]', 'word:~/f[tilde,literal]', 'word:~[tilde]', 'word:a~b[literal]',
    'word:x=~/y[literal,tilde,literal]', 'word:a:~/z[literal]',
  ]);
  t.same(view('P=~/a:~/b Q=x~ --opt=~/c http://h/#:~:t'), [
    'word:P=~/a:~/b[literal,tilde,literal,tilde,literal]', 'word:Q=x~[literal]', 'word:--opt=~/c[literal]',
    'word:http://h/#:~:t[literal]',
  ], 'tilde after = or : only in NAME=value words');
  t.same(view('ls # rm -rf /\nid'), ['word:ls[literal]', 'comment:# rm -rf /', 'operator:\n', 'word:id[literal]']);
  t.same(view('a#b'), ['word:a#b[literal]'], '# inside a word is not a comment');
  t.same(view('${#x}'), ['word:${#x}[parameter]']);
  t.same(view("'*' \"?\" \\*"), ["word:'*'[single-quoted]", 'word:"?"[double-quoted]', 'word:\\*[escape]'], 'quoted globs are literal');
});

t.test('command names and assignments', async (t) => {
  const src = 'A=1 B=$x cmd arg | if x; then y; fi && ! z; case q in a) w;; esac; f() { g; }';
  const toks = tokenizeShell(src);
  const names = toks.filter((x) => x.commandName).map((x) => text(src, x));
  t.same(names, ['cmd', 'x', 'y', 'z', 'w', 'f', 'g']);
  t.same(toks.filter((x) => x.assignment).map((x) => text(src, x)), ['A=1', 'B=$x']);
  t.notOk(tokenizeShell('echo A=1')[1].assignment, 'an argument is not an assignment');
  t.ok(tokenizeShell('echo A=1')[0].commandName);
});

t.test('case patterns inside $( ) do not close it', async (t) => {
  const src = 'x=$(case $y in a|b) echo 1;; (c) echo 2;; esac) rest';
  const toks = tokenizeShell(src);
  t.equal(toks.length, 2);
  t.equal(text(src, toks[1]), 'rest');
  const sub = toks[0].parts[1];
  t.equal(sub.kind, 'command');
  t.notOk(sub.unterminated);
  t.same(sub.tokens.filter((x) => x.commandName).map((x) => text(src, x)), ['echo', 'echo']);
  t.same(view('$( (a) ; (b) )x'), ['word:$( (a) ; (b) )x[command,literal]'], 'subshells inside $( )');
});

t.test('here-documents', async (t) => {
  const src = 'cat <<EOF; echo after\nhello $name\n`id`\nEOF\nls';
  t.same(view(src), [
    'word:cat[literal]', 'redirection:<<', 'word:EOF[literal]', 'operator:;', 'word:echo[literal]',
    'word:after[literal]', 'operator:\n', 'heredoc:hello $name\n`id`\nEOF\n', 'word:ls[literal]',
  ]);
  const doc = tokenizeShell(src)[7];
  t.equal(src.slice(doc.contentStart, doc.contentEnd), 'hello $name\n`id`\n');
  t.same(doc.parts.map((p) => p.kind), ['literal', 'parameter', 'literal', 'backtick', 'literal']);

  const quoted = "cat <<'EOF'\n$x\nEOF\n";
  t.same(tokenizeShell(quoted)[3].parts, [], 'quoted delimiter: literal body');
  const tabs = 'cat <<-E\n\tbody\n\tE\nls';
  t.same(view(tabs).slice(-2), ['heredoc:\tbody\n\tE\n', 'word:ls[literal]'], '<<- strips tabs before the delimiter');
  t.ok(lexShell('cat <<EOF\nno end').unterminated, 'missing delimiter line');
  t.ok(lexShell('cat <<EOF').unterminated, 'no body at all');
});

t.test('unterminated constructs are marked', async (t) => {
  for (const src of ["echo 'a", 'echo "a', 'echo $(a', 'echo `a', 'echo ${a', 'echo $((1', "echo $'a", 'echo <(a', 'echo "$(a"']) {
    const r = lexShell(src);
    t.ok(r.unterminated, src);
    const last = r.tokens[r.tokens.length - 1];
    t.ok(last.unterminated, `${src}: last word`);
    t.equal(last.end, src.length, `${src}: runs to the end`);
  }
  for (const src of ["echo 'a'", 'echo "a"', 'echo $(a)', 'echo `a`', 'echo ${a}', 'echo $((1))', 'echo a\\']) {
    t.notOk(lexShell(src).unterminated, src);
  }
});

t.test('nesting is capped and fails closed', async (t) => {
  const deep = '$('.repeat(200) + ')'.repeat(200);
  const r = lexShell(deep);
  t.ok(r.unterminated, 'too deep counts as unterminated');
  const ok = '$('.repeat(20) + 'x' + ')'.repeat(20);
  t.notOk(lexShell(ok).unterminated, 'moderate nesting is fine');
  let part: WordPart = lexShell(ok).tokens[0].parts[0];
  let levels = 1;
  while (part.tokens.length > 0 && part.tokens[0].parts[0].kind === 'command') {
    part = part.tokens[0].parts[0];
    levels++;
  }
  t.equal(levels, 20);
});

t.test('never throws on odd input', async (t) => {
  for (const src of [')', '))(((', '\\', '$', '`', '"', "'", '<<', '<<<', '2>', '&', ';;&', '\u0000\uffff\ud800', '$(case', 'case x in', '${', '$((', '\n\n\n']) {
    t.doesNotThrow(() => tokenizeShell(src), JSON.stringify(src));
  }
});
