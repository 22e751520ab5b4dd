// GraphQL (graphql-js 16) behind express: variables and inline string arguments of the
// executed operation are `graphql` inputs, named by where they sit. The resolver pastes
// the argument into SQL; each injection is blocked and named, benign queries work.
import type { Server } from 'node:http';
import t from 'tap';
import { start, stop, withInput } from '../../src/index';
import { closeServer, listen, postJson, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { SQLI, assertBenign, assertBlocked, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gql = require('graphql') as typeof import('graphql');

const db = usersDb();
const notes: string[] = [];
const schema = gql.buildSchema(`
  type User { id: Int, name: String }
  input NoteInput { text: String, tags: [String] }
  type Query { users(name: String): [User] }
  type Mutation { addNote(input: NoteInput): [User] }
`);
const rootValue = {
  users: ({ name }: { name: string }) => db.findUser(name),
  addNote: ({ input }: { input: { text: string; tags?: string[] } }) => {
    const found = db.findUser(input.tags?.[0] ?? input.text);
    notes.push(input.text);
    return found;
  },
};

const app = express();
app.use(express.json());
// graphql() (which runs execute() inside); errors are reported the GraphQL way, in `errors`.
app.post('/graphql', async (req, res) => {
  res.json(await gql.graphql({ schema, rootValue, source: req.body.query, variableValues: req.body.variables }));
});
// execute() with a document the app parsed itself, as servers with caches do.
app.get('/graphql', async (req, res) => {
  res.json(await gql.execute({ schema, rootValue, document: gql.parse(String(req.query.query)) }));
});

let base = '';
let server: Server;
t.before(async () => {
  server = app.listen(0, '127.0.0.1');
  server.close();
  base = await listen(server);
});
t.teardown(() => closeServer(server));

const USERS = 'query Users($name: String) { users(name: $name) { id name } }';
const aliceData = { data: { users: [{ id: 1, name: 'alice' }] } };

t.test('variables', async (t) => {
  assertBlocked(t, await postJson(`${base}/graphql`, { query: USERS, variables: { name: SQLI } }), events, 'graphql', 'variables.name', 'better-sqlite3.prepare');
  assertBenign(t, await postJson(`${base}/graphql`, { query: USERS, variables: { name: 'alice' } }), events, aliceData);
  t.ok(db.intact());
});

t.test('inline string argument, named by operation and field path', async (t) => {
  const inline = (name: string) => ({ query: `{ users(name: ${JSON.stringify(name)}) { id name } }` });
  assertBlocked(t, await postJson(`${base}/graphql`, inline(SQLI)), events, 'graphql', 'query.users.name');
  assertBenign(t, await postJson(`${base}/graphql`, inline('alice')), events, aliceData);
});

t.test('alias, mutation input objects and lists', async (t) => {
  const aliased = `{ who: users(name: ${JSON.stringify(SQLI)}) { id } }`;
  assertBlocked(t, await postJson(`${base}/graphql`, { query: aliased }), events, 'graphql', 'query.who.name');
  const mutation = (text: string, tag: string) => `mutation { addNote(input: { text: ${JSON.stringify(text)}, tags: [${JSON.stringify(tag)}] }) { id } }`;
  assertBlocked(t, await postJson(`${base}/graphql`, { query: mutation('hello', SQLI) }), events, 'graphql', 'mutation.addNote.input.tags.0');
  assertBenign(t, await postJson(`${base}/graphql`, { query: mutation('hello', 'alice') }), events, { data: { addNote: [{ id: 1 }] } });
  t.same(notes, ['hello'], 'only the benign mutation ran');
});

t.test('execute() with the document in the URL', async (t) => {
  const url = (name: string) => `${base}/graphql?query=${encodeURIComponent(`{ users(name: ${JSON.stringify(name)}) { name } }`)}`;
  assertBlocked(t, await request(url(SQLI)), events, 'graphql', 'query.users.name');
  assertBenign(t, await request(url('alice')), events, { data: { users: [{ name: 'alice' }] } });
});

t.test('outside HTTP, graphql inputs join a withInput context', async (t) => {
  const result = await withInput({ source: 'custom', name: 'job', value: 'nightly' }, () =>
    gql.graphql({ schema, rootValue, source: USERS, variableValues: { name: SQLI } }),
  );
  t.match(result.errors?.[0]?.message, /RAMPART|blocked/i, 'the resolver error carries the block');
  t.equal(events.attacks()[0]?.attributes['rampart.input.path'], 'variables.name');
  events.reset();
  t.ok(db.intact());
});

t.test('the wrapped execute keeps its shape', async (t) => {
  t.equal(gql.execute.name, 'execute');
  t.equal(gql.execute.length, 1);
  const result = gql.executeSync({ schema, rootValue, document: gql.parse('{ users(name: "bob") { id } }') });
  t.same(result.data, { users: [{ id: 2 }] });
});
