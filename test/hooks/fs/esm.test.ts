// ESM named imports of node:fs and node:fs/promises are bound before rampart patches
// the builtins; syncBuiltinESMExports must carry the wrappers to them. Child processes
// under `node --import rampart/register` (built dist/: run `npm run build` first).
import t from 'tap';
import { request } from '../../helpers/http';
import { startChildApp } from '../../helpers/child';
import { CANARY_TEXT, REPORT_TEXT, makeSandbox } from './sandbox';

const box = makeSandbox('esm');
const FIXTURE = 'test/fixtures/fs-traversal-esm.mjs';
const ATTACK = `?file=${encodeURIComponent('../../canary.txt')}`;
const SINKS: Record<string, string> = {
  '/callback': 'fs.readFile',
  '/sync': 'fs.readFileSync',
  '/promises': 'fs.promises.readFile',
  '/stream': 'fs.createReadStream',
};

/** The n-th finding line: pino writes asynchronously, so it may trail the response. */
async function nextAttackLine(lines: ReadonlyArray<Record<string, unknown>>, n: number): Promise<Record<string, unknown> | undefined> {
  for (let tries = 0; tries < 200; tries++) {
    const events = lines.filter((l) => l.event === 'rampart.attack');
    if (events.length >= n) return events[n - 1];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
}

t.test('named imports are protected, in every form', async (t) => {
  const app = await startChildApp(['--import', 'rampart/register', FIXTURE], { FS_FIXTURE_BASE: box.base });
  t.teardown(() => app.stop());
  let reported = 0;
  for (const [route, sink] of Object.entries(SINKS)) {
    const ok = await request(`${app.base}${route}?file=report.txt`);
    t.equal(ok.status, 200, `${route} benign`);
    t.equal(ok.text, REPORT_TEXT);
    const attack = await request(`${app.base}${route}${ATTACK}`);
    t.equal(attack.status, 403, `${route} attack blocked`);
    t.notMatch(attack.text, CANARY_TEXT, 'canary not returned');
    const event = await nextAttackLine(app.lines, ++reported);
    t.equal(event?.['rampart.sink'], sink, `reported at ${sink}`);
  }
  t.same((await request(`${app.base}/identity`)).json(), { defaultPromises: true, namedPromises: true, namedReadFile: true }, 'fs.promises and node:fs/promises are one object');
});

t.test('without rampart the same app serves the canary (a dead hook would show here)', async (t) => {
  const app = await startChildApp([FIXTURE], { FS_FIXTURE_BASE: box.base });
  t.teardown(() => app.stop());
  t.equal((await request(`${app.base}/sync${ATTACK}`)).text, CANARY_TEXT);
});
