// rampart enabled from the app's instrumentation.js (`register()` loads rampart/register in
// the Node.js runtime) instead of NODE_OPTIONS: Next calls it before serving, and the
// drivers the routes load later are hooked as with the preload.
import { existsSync } from 'node:fs';
import t from 'tap';
import { postJson, request } from '../helpers/http';
import { actionRows, callAction, startNextApp, type NextApp } from './support';

// The first file to run builds the app (test/nextjs/build.ts): a minute or two of CPU.
t.setTimeout(600_000);

let app: NextApp;
t.before(async () => {
  app = await startNextApp(t, { enable: 'instrumentation' });
});

t.test('route handler: benign rows, JSON body injection refused with the table intact', async (t) => {
  t.same((await request(`${app.base}/api/users?name=bob`)).json(), [{ id: 2, name: 'bob' }]);
  const attack = await postJson(`${app.base}/api/notes`, { note: "x'); DROP TABLE users; --" });
  t.equal(attack.status, 403);
  t.match(attack.json(), { error: 'Forbidden' });
  t.same(app.tables(), ['notes', 'users']);
  t.same(app.notes(), []);
  const [event] = await app.waitForAttacks(1);
  t.match(event, { 'rampart.action': 'blocked', 'rampart.input.source': 'body', 'rampart.input.path': 'note' });
  t.ok(await app.alive());
});

t.test('Server Action call: benign rows, injection refused', async (t) => {
  t.same(actionRows(await callAction(app, 'findUser', JSON.stringify(['alice']))), [{ id: 1, name: 'alice' }]);
  const attack = await callAction(app, 'findUser', JSON.stringify(["' OR '1'='1"]));
  t.equal(attack.status, 403);
  t.notMatch(attack.text, /bob/);
  t.ok(await app.alive());
});

t.test('shell sink hooked from instrumentation.js too: canary never written', async (t) => {
  const attack = await request(`${app.base}/api/exec?word=${encodeURIComponent(`a && touch ${app.canary}`)}`);
  t.equal(attack.status, 403);
  t.notOk(existsSync(app.canary));
  t.same((await request(`${app.base}/api/exec?word=ok`)).json(), { out: 'ok' });
});
