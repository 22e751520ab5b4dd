// Multipart text fields with the current majors: express 5 + multer (fields on req.body),
// fastify 5 + @fastify/multipart read the three documented ways (request.parts(),
// request.file() then data.fields, attachFieldsToBody: 'keyValues'). Each field reaches a
// SQLite sink and is blocked as `body.<field>`, with a file part alongside; the
// same request with benign fields works. (koa-body's multipart: koa-body.test.ts, koa2.test.ts;
// previous majors: express4.test.ts, fastify4.test.ts.)
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen, request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { ALICE } from './cases';
import { SQLI, assertBenign, assertBlocked, usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

/* eslint-disable @typescript-eslint/no-require-imports */
const express = require('express') as typeof import('express');
const multer = require('multer') as (options?: unknown) => { none(): never; single(name: string): never; fields(spec: unknown): never };
const Fastify = require('fastify') as typeof import('fastify').default;
const fastifyMultipart = require('@fastify/multipart') as typeof import('@fastify/multipart').default;
/* eslint-enable @typescript-eslint/no-require-imports */

const db = usersDb();

const expressApp = express();
expressApp.post('/none', multer().none(), (req, res) => void res.json(db.findUser(req.body.name)));
expressApp.post('/single', multer().single('upload'), (req, res) => void res.json(db.findUser(req.body.name)));
expressApp.use((_error: unknown, _req: import('express').Request, res: import('express').Response, _next: import('express').NextFunction) => void res.status(500).send('internal error'));
const expressServer = createServer(expressApp);

interface Part {
  type: 'field' | 'file';
  fieldname: string;
  value?: unknown;
  toBuffer(): Promise<Buffer>;
}
const fastify = Fastify();
fastify.register(fastifyMultipart);
fastify.post('/parts', async (req) => {
  const fields: Record<string, unknown> = {};
  for await (const part of (req as unknown as { parts(): AsyncIterable<Part> }).parts()) {
    if (part.type === 'file') await part.toBuffer();
    else fields[part.fieldname] = part.value;
  }
  return db.findUser(String(fields.name));
});
fastify.post('/file', async (req) => {
  const data = (await (req as unknown as { file(): Promise<Part & { fields: Record<string, { value: string }> }> }).file())!;
  await data.toBuffer();
  return db.findUser(data.fields.name!.value);
});
// A JSON part (`Content-Type: application/json`) is parsed by @fastify/multipart; its strings are inputs by path.
fastify.post('/json-part', async (req) => {
  const data = (await (req as unknown as { file(): Promise<Part & { fields: Record<string, { value: { user: { name: string } } }> }> }).file())!;
  await data.toBuffer();
  return db.findUser(data.fields.meta!.value.user.name);
});
const keyValues = Fastify();
keyValues.register(fastifyMultipart, { attachFieldsToBody: 'keyValues' });
keyValues.post('/key-values', async (req) => db.findUser((req.body as { name: string }).name));

const bases: Record<string, string> = {};
t.before(async () => {
  bases.express = await listen(expressServer);
  bases.fastify = await fastify.listen({ port: 0, host: '127.0.0.1' });
  bases.keyValues = await keyValues.listen({ port: 0, host: '127.0.0.1' });
});
t.teardown(() => Promise.all([closeServer(expressServer), fastify.close(), keyValues.close()]));

function form(name: string, withFile: boolean) {
  const data = new FormData();
  data.append('theme', 'dark');
  data.append('name', name);
  if (withFile) data.append('upload', new Blob(["file bytes, x' OR '1'='1"]), 'notes.txt');
  return { method: 'POST', body: data };
}

const routes: Array<[string, () => string, boolean]> = [
  ['express 5 + multer().none()', () => `${bases.express}/none`, false],
  ['express 5 + multer().single()', () => `${bases.express}/single`, true],
  ['fastify 5 + request.parts()', () => `${bases.fastify}/parts`, true],
  ['fastify 5 + request.file() and data.fields', () => `${bases.fastify}/file`, true],
  ["fastify 5 + attachFieldsToBody: 'keyValues'", () => `${bases.keyValues}/key-values`, true],
];
for (const [name, url, withFile] of routes) {
  t.test(name, async (t) => {
    assertBlocked(t, await request(url(), form(SQLI, withFile)), events, 'body', 'name', 'better-sqlite3.prepare');
    assertBenign(t, await request(url(), form('alice', withFile)), events, ALICE);
    t.ok(db.intact(), 'users table intact');
  });
}

t.test('fastify 5: a JSON field is parsed, its strings are inputs by path', async (t) => {
  // FormData cannot give a text field a content type: the body is written by hand.
  const jsonForm = (name: string) => {
    const boundary = 'rampart-boundary';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="meta"',
      'Content-Type: application/json',
      '',
      JSON.stringify({ user: { name } }),
      `--${boundary}`,
      'Content-Disposition: form-data; name="upload"; filename="notes.txt"',
      'Content-Type: text/plain',
      '',
      'file bytes',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    return { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
  };
  assertBlocked(t, await request(`${bases.fastify}/json-part`, jsonForm(SQLI)), events, 'body', 'meta.user.name');
  assertBenign(t, await request(`${bases.fastify}/json-part`, jsonForm('alice')), events, ALICE);
});
