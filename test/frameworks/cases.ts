// The cases every framework test runs against its own app, so a framework's test file
// declares only its routes. The app implements, with the framework's own API:
//   GET  /users/:name               findUser(route param `name`), possibly under a router prefix
//   GET  /by-query?name=            findUser(query `name`)
//   GET  /by-tags?tag=&tag=         findUser(every `tag` value joined with ',')
//   POST /by-json {user:{name}}     findUser(body.user.name)
//   POST /by-form   (urlencoded)    findUser(body.name)
//   POST /by-text   (text/plain)    findUser(the whole body)
//   POST /by-multipart              findUser(multipart text field `name`), a file part alongside
//   GET  /by-header                 findUser(header x-user)
//   GET  /by-cookie                 findUser(cookie `user`, read through the framework's cookie API)
//   GET  /echo?msg= /file?name= /preview?url=   the sinkActions() of sinks.ts, answering JSON
// and answers with the JSON of the result. Sink cases need rampart started with
// `ssrf: { allowHosts: ['127.0.0.2'] }` (the stand-in for a public host).
import type { Test } from 'tap';
import { postJson, request, type SimpleResponse } from '../helpers/http';
import { loopbackServers } from '../hooks/outbound/servers';
import { REPORT, type SinkSandbox } from './sinks';
import { SQLI, assertBenign, assertBlocked, type FindingEvents, type UsersDb } from './support';

export const ALICE = [{ id: 1, name: 'alice' }];

export interface AppUnderTest {
  /** Base URL, known once the test's `before` hooks ran. */
  base(): string;
  readonly events: FindingEvents;
  /** Makes `events` current after a request (a child app's events are fetched); absent in-process. */
  readonly refresh?: () => Promise<void>;
  readonly db: UsersDb;
}

/** Sends a request, then brings the app's events up to date. */
function sender(app: AppUnderTest) {
  const base = () => app.base();
  const settle = async (res: SimpleResponse) => {
    await app.refresh?.();
    return res;
  };
  return {
    get: (path: string, init?: RequestInit) => request(`${base()}${path}`, init).then(settle),
    json: (path: string, body: unknown) => postJson(`${base()}${path}`, body).then(settle),
  };
}

export type SourceCase = 'params' | 'query' | 'repeated-query' | 'json' | 'form' | 'text' | 'multipart' | 'header' | 'cookie';

export const ALL_SOURCES: readonly SourceCase[] = ['params', 'query', 'repeated-query', 'json', 'form', 'text', 'multipart', 'header', 'cookie'];

const form = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const text = (body: string) => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body });
function multipart(name: string) {
  const data = new FormData();
  data.append('name', name);
  data.append('upload', new Blob(['file bytes']), 'notes.txt');
  return { method: 'POST', body: data };
}

/** For each source: an injection into the SQL sink is blocked and named; the same route with benign input works. */
export function sourceCases(t: Test, app: AppUnderTest, cases: readonly SourceCase[], options: { readonly prefix?: string } = {}): void {
  const { events, db } = app;
  const send = sender(app);
  const prefix = options.prefix ?? '';
  const run: Record<SourceCase, (t: Test) => Promise<void>> = {
    async params(t) {
      const res = await send.get(`${prefix}/users/${encodeURIComponent(SQLI)}`);
      const attack = events.attacks()[0];
      assertBlocked(t, res, events, 'params', 'name', 'better-sqlite3.prepare');
      t.equal(attack?.attributes['http.route'], `${prefix}/users/:name`, 'route template in the event');
      assertBenign(t, await send.get(`${prefix}/users/alice`), events, ALICE);
    },
    async query(t) {
      assertBlocked(t, await send.get(`/by-query?name=${encodeURIComponent(SQLI)}`), events, 'query', 'name');
      assertBenign(t, await send.get('/by-query?name=alice'), events, ALICE);
    },
    async 'repeated-query'(t) {
      // The app joins the repeated values: the joined form (`x',' OR '1'='1`) is an input too.
      assertBlocked(t, await send.get(`/by-tags?tag=x'&tag=' OR '1'='1`), events, 'query', 'tag');
      assertBenign(t, await send.get('/by-tags?tag=alice'), events, ALICE);
    },
    async json(t) {
      assertBlocked(t, await send.json('/by-json', { user: { name: SQLI } }), events, 'body', 'user.name');
      assertBenign(t, await send.json('/by-json', { user: { name: 'alice' } }), events, ALICE);
    },
    async form(t) {
      assertBlocked(t, await send.get('/by-form', form(`name=${encodeURIComponent(SQLI)}`)), events, 'body', 'name');
      assertBenign(t, await send.get('/by-form', form('name=alice')), events, ALICE);
    },
    async text(t) {
      assertBlocked(t, await send.get('/by-text', text(SQLI)), events, 'body', '');
      assertBenign(t, await send.get('/by-text', text('alice')), events, ALICE);
    },
    async multipart(t) {
      assertBlocked(t, await send.get('/by-multipart', multipart(SQLI)), events, 'body', 'name');
      assertBenign(t, await send.get('/by-multipart', multipart('alice')), events, ALICE);
    },
    async header(t) {
      assertBlocked(t, await send.get('/by-header', { headers: { 'x-user': SQLI } }), events, 'headers', 'x-user');
      assertBenign(t, await send.get('/by-header', { headers: { 'x-user': 'alice' } }), events, ALICE);
    },
    async cookie(t) {
      assertBlocked(t, await send.get('/by-cookie', { headers: { cookie: `theme=dark; user=${encodeURIComponent(SQLI)}` } }), events, 'cookies', 'user');
      assertBenign(t, await send.get('/by-cookie', { headers: { cookie: 'theme=dark; user=alice' } }), events, ALICE);
    },
  };
  for (const name of cases) {
    t.test(`${name}: SQL injection blocked, benign input served`, async (t) => {
      await run[name](t);
      t.ok(db.intact(), 'users table intact');
    });
  }
}

/**
 * Shell, file and outbound sinks fed from a query value: the attack leaves no trace (no
 * canary file, no secret in the answer, no hit on the internal server) and the benign
 * call returns the right data. Starts the two loopback servers the outbound case needs.
 */
export function sinkCases(t: Test, app: AppUnderTest & { readonly box: SinkSandbox }): void {
  const { events, box } = app;
  const send = sender(app);
  const servers = loopbackServers(t);

  t.test('shell sink: echo with a query value', async (t) => {
    const res = await send.get(`/echo?msg=${encodeURIComponent(`hi; touch ${box.canary}`)}`);
    t.notOk(box.canaryExists(), 'canary absent: the command never ran');
    assertBlocked(t, res, events, 'query', 'msg', 'child_process.exec');
    assertBenign(t, await send.get('/echo?msg=hello'), events, 'hello');
  });

  t.test('fs sink: readFile under a base directory', async (t) => {
    const res = await send.get(`/file?name=${encodeURIComponent('../../secret.txt')}`);
    t.notMatch(res.text, new RegExp(box.secret), 'secret not returned');
    assertBlocked(t, res, events, 'query', 'name');
    assertBenign(t, await send.get('/file?name=report.txt'), events, REPORT);
  });

  t.test('outbound sink: fetch of a user-chosen URL', async (t) => {
    const res = await send.get(`/preview?url=${encodeURIComponent(`http://127.0.0.1:${servers.internal.port}/secret`)}`);
    t.same(servers.internal.hits, [], 'the internal server got no request');
    assertBlocked(t, res, events, 'query', 'url', 'fetch');
    assertBenign(t, await send.get(`/preview?url=${encodeURIComponent(`${servers.allowed.origin}/hello`)}`), events, 'hello from 127.0.0.2');
  });
}
