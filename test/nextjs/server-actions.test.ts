// Server Actions of a real Next.js 16 app: their arguments are decoded by the copy of
// React's server runtime compiled into Next's bundles, out of reach of a require hook, so
// rampart reads them from the request bytes: the no-JavaScript form post (multipart with
// a $ACTION_ID_ field), the `Next-Action` call with its arguments as a text body, and the
// same call with a FormData argument (a multipart body Next streams through its own busboy).
import t, { type Test } from 'tap';
import { request, type SimpleResponse } from '../helpers/http';
import { actionRows, callAction, postActionForm, startNextApp, type NextApp } from './support';

// The first file to run builds the app (test/nextjs/build.ts): a minute or two of CPU.
t.setTimeout(600_000);

let app: NextApp;
t.before(async () => {
  app = await startNextApp(t);
});

async function assertBlocked(t: Test, res: SimpleResponse, contentType: RegExp, expect: Record<string, unknown>): Promise<void> {
  t.equal(res.status, 403, 'answered 403');
  t.match(res.headers.get('content-type'), contentType);
  const requestId = res.headers.get('x-rampart-request-id');
  t.ok(requestId, 'the response names the request id');
  const events = await app.waitForAttacks(1);
  t.match(
    events.find((e) => e['rampart.request.id'] === requestId),
    { 'rampart.action': 'blocked', 'rampart.attack.kind': 'sql_injection', ...expect },
  );
  t.ok(await app.alive(), 'the server still answers');
  t.notMatch(app.stderr(), /ERR_HTTP_HEADERS_SENT|headers already sent/i);
  app.lines.length = 0;
}

t.test('form post without JavaScript: benign note stored, stacked DROP TABLE refused', async (t) => {
  const benign = await postActionForm(app, 'addNote', { note: 'buy bread' });
  t.equal(benign.status, 200, 'Next renders the page after the action');
  t.match(benign.text, /<form/);
  t.same(app.notes(), ['buy bread']);

  const attack = await postActionForm(app, 'addNote', { note: "x'); DROP TABLE users; --" }, 'application/json');
  await assertBlocked(t, attack, /application\/json/, { 'rampart.input.source': 'body', 'rampart.input.path': 'note', 'rampart.sink': 'better-sqlite3.exec' });
  t.same(app.tables(), ['notes', 'users'], 'users table intact');
  t.same(app.notes(), ['buy bread'], 'nothing inserted');
});

t.test('a browser that prefers HTML gets the HTML block page for a form post', async (t) => {
  const attack = await postActionForm(app, 'addNote', { note: "y'); DELETE FROM users; --" });
  await assertBlocked(t, attack, /text\/html/, { 'rampart.input.path': 'note' });
  t.match(attack.text, /Forbidden/);
  t.same(app.tables(), ['notes', 'users']);
});

t.test('Next-Action call with a text body: rows for the benign name, 403 for the injection', async (t) => {
  const benign = await callAction(app, 'findUser', JSON.stringify(['alice']));
  t.equal(benign.status, 200);
  t.same(actionRows(benign), [{ id: 1, name: 'alice' }]);
  const attack = await callAction(app, 'findUser', JSON.stringify(["' OR '1'='1"]));
  t.notMatch(attack.text, /bob/, 'no rows leaked');
  await assertBlocked(t, attack, /application\/json/, { 'rampart.input.source': 'body', 'rampart.input.path': '0', 'rampart.sink': 'better-sqlite3.prepare' });
});

t.test('Next-Action call with a FormData argument (multipart)', async (t) => {
  // React's encodeReply sends a FormData argument as fields named `_1_<key>` and the
  // arguments as the field `0` (`["$K1"]`: the FormData with id 1), set last.
  const form = (name: string): FormData => {
    const f = new FormData();
    f.append('_1_name', name);
    f.append('0', '["$K1"]');
    return f;
  };
  const benign = await callAction(app, 'findUserByForm', form('bob'));
  t.equal(benign.status, 200);
  t.same(actionRows(benign), [{ id: 2, name: 'bob' }]);
  const attack = await callAction(app, 'findUserByForm', form("' OR '1'='1"));
  t.notMatch(attack.text, /alice/);
  await assertBlocked(t, attack, /application\/json/, { 'rampart.input.source': 'body', 'rampart.input.path': '_1_name' });
});

t.test("an argument starting with $ (React's reply escape doubles it on the wire) is still seen", async (t) => {
  const benign = await callAction(app, 'findUser', JSON.stringify(['$$alice']));
  t.equal(benign.status, 200);
  t.same(actionRows(benign), [], 'the app got $alice: no such user, the right answer');
  const text = await callAction(app, 'findUser', JSON.stringify(["$$' OR '1'='1"]));
  t.notMatch(text.text, /alice|bob/);
  await assertBlocked(t, text, /application\/json/, { 'rampart.input.value': "$' OR '1'='1" });
  // The same arguments as the multipart form React sends when an argument needs one.
  const form = new FormData();
  form.append('0', JSON.stringify(["$$' OR '1'='1"]));
  const multipart = await callAction(app, 'findUser', form);
  t.notMatch(multipart.text, /alice|bob/);
  await assertBlocked(t, multipart, /application\/json/, { 'rampart.input.value': "$' OR '1'='1" });
});

t.test('the actions page still renders after the blocks', async (t) => {
  const page = await request(`${app.base}/actions`);
  t.equal(page.status, 200);
  t.match(page.text, /\$ACTION_ID_/);
});
