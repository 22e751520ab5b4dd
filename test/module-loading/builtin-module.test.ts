// Builtins reached only through process.getBuiltinModule (Node 20.16+, 22.3+), never through
// require or import: rampart patches the builtin objects themselves, so a child process
// (built dist/) that uses them gets the protected functions on every Node line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runChild } from '../helpers/child';

t.test('child_process and fs from process.getBuiltinModule are protected', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-builtin-module-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'secret.txt'), 'SECRET-5e1d');
  writeFileSync(join(dir, 'files', 'report.txt'), 'report');
  const result = await runChild(['--require', 'rampart/register', 'test/fixtures/get-builtin-module.js', dir], { RAMPART_LOG_LEVEL: 'silent' });
  t.equal(result.code, 0, result.stderr);
  t.same(JSON.parse(result.stdout.trim()), {
    execAttack: { error: 'RAMPART_BLOCKED' },
    execBenign: { ran: 'hello' },
    readAttack: { error: 'RAMPART_BLOCKED' },
    readBenign: { ran: 'report' },
    canaryCreated: false,
  });
});
