// Option injection through a shell: the input stays one word (so no shell rule applies)
// but the program reads it as an option, `git log --output=FILE` writing a file of the
// attacker's choosing. Real /bin/sh and git; the file is shown to appear without rampart,
// and stays absent when the input chooses the option; operands and plain values still run.
import type { Server } from 'node:http';
import t from 'tap';
import { RampartBlockedError, start, stop, withInput } from '../../../src/index';
import { closeServer, listen, request } from '../../helpers/http';
import { captureOtelLogs } from '../../helpers/otel';
import { gitRepo, sandbox } from './sandbox';

const events = captureOtelLogs();
start({ mode: 'block', logLevel: 'silent' });
t.teardown(stop);

/* eslint-disable @typescript-eslint/no-require-imports */
const cp = require('node:child_process') as typeof import('node:child_process');
const express = require('express') as typeof import('express');
/* eslint-enable @typescript-eslint/no-require-imports */
const box = sandbox();
t.teardown(box.cleanup);
const repo = gitRepo(box.root);

/** Each way an app hands `git log` a ref through a shell, `{}` where the ref goes. */
const SCRIPTS: [string, (script: string) => string][] = [
  ['exec, bare', (s) => cp.execSync(s, { cwd: repo.work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })],
  ['execFile sh -c', (s) => cp.execFileSync('sh', ['-c', s], { cwd: repo.work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })],
  ['spawnSync shell: true', (s) => {
    const r = cp.spawnSync(s, { cwd: repo.work, encoding: 'utf8', shell: true });
    if (r.error) throw r.error;
    return r.stdout;
  }],
];
const TEMPLATES = ['git log -1 --format=%s {}', "git log -1 --format=%s '{}'", 'cd . && git log -1 --format=%s "{}" | cat', 'echo $(git log -1 --format=%s {})'];

function run(how: (script: string) => string, template: string, ref: string): { out?: string; error?: unknown } {
  try {
    return { out: withInput({ source: 'query', name: 'ref', value: ref }, () => how(template.replace('{}', ref))) };
  } catch (error) {
    return { error };
  }
}

t.test('the attack is real: outside a request, git writes the file the option names', async (t) => {
  box.removeCanary();
  cp.execSync(`git log -1 --format=%s --output=${box.canary}`, { cwd: repo.work, stdio: 'ignore' });
  t.ok(box.canaryExists(), 'git created the file');
  box.removeCanary();
});

for (const [name, how] of SCRIPTS) {
  t.test(name, async (t) => {
    for (const template of TEMPLATES) {
      box.removeCanary();
      const attack = run(how, template, `--output=${box.canary}`);
      t.type(attack.error, RampartBlockedError, `${template}: refused`);
      t.notOk(box.canaryExists(), `${template}: no file written`);
      const abbreviated = run(how, template, `--outp=${box.canary}`);
      t.type(abbreviated.error, RampartBlockedError, `${template}: an abbreviation of the option too`);
      t.notOk(box.canaryExists(), `${template}: still no file`);
      t.equal(run(how, template, 'HEAD').out?.trim(), 'init', `${template}: benign ref runs with the right output`);
    }
  });
}

t.test('operands and programs without dangerous options are left alone', async (t) => {
  box.removeCanary();
  const how = SCRIPTS[0]![1];
  const afterEnd = run(how, 'git log -1 --format=%s -- {}', `--output=${box.canary}`);
  t.error(afterEnd.error, 'after `--` the input is a path operand');
  t.notOk(box.canaryExists(), 'git wrote no file');
  t.equal(run(how, 'echo {}', '--output=x').out?.trim(), '--output=x', 'echo has no dangerous option');
  t.equal(run(how, 'git log -1 --format={}', '%s').out?.trim(), 'init', 'a value glued to the app’s option');
});

t.test('over HTTP: 403, no file, and the next request is served', async (t) => {
  events.reset();
  const app = express();
  app.get('/log', (req, res) => {
    cp.exec(`git log -1 --format=%s ${String(req.query.ref)}`, { cwd: repo.work }, (error, stdout) => {
      if (res.headersSent) return;
      if (error) res.status(500).end();
      else res.send(stdout.trim());
    });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  server.close();
  const base = await listen(server);
  t.teardown(() => closeServer(server));
  box.removeCanary();
  const attack = await request(`${base}/log?ref=${encodeURIComponent(`--output=${box.canary}`)}`);
  t.equal(attack.status, 403, 'refused');
  t.notOk(box.canaryExists(), 'no file written');
  t.equal(events.attacks()[0]?.attributes['security_rule.name'], 'cmdi.argument-injection');
  const benign = await request(`${base}/log?ref=HEAD`);
  t.equal(benign.status, 200);
  t.equal(benign.text, 'init', 'benign twin');
});
