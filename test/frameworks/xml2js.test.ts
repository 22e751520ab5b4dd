// XML bodies parsed with xml2js inside a request (express with a text body parser and
// parseString / parseStringPromise, fastify with a content type parser and an async
// Parser): the parsed document is an `xml` input named in xml2js's shape
// (`order.customer.0.name.0`, attributes under `order.$`). The raw body alone would not
// do: XML escapes (`&apos;`) make the parsed value differ from the text sent. Documents
// parsed outside a request are not inputs.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { ALICE } from './cases';
import { SQLI, assertBenign, assertBlocked, usersDb } from './support';
import { serveExpressAndFastify, xmlOrder } from './xml-support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

interface Xml2js {
  parseString(xml: string, callback: (error: Error | null, result: Order) => void): void;
  parseStringPromise(xml: string): Promise<Order>;
  Parser: new (options?: Record<string, unknown>) => { parseStringPromise(xml: string): Promise<Order>; parseString(xml: string, cb: (e: Error | null, r: Order) => void): void };
}
interface Order {
  order: { $?: { ref?: string }; customer: Array<{ name: string[] }> };
}
/* eslint-disable @typescript-eslint/no-require-imports */
const xml2js = require('xml2js') as Xml2js;
const express = require('express') as typeof import('express');
const Fastify = require('fastify') as typeof import('fastify').default;
/* eslint-enable @typescript-eslint/no-require-imports */

const db = usersDb();
const customer = (order: Order) => order.order.$?.ref ?? order.order.customer[0]!.name[0]!;

const app = express();
app.use(express.text({ type: 'application/xml' }));
app.post('/callback', (req, res, next) => {
  xml2js.parseString(req.body as string, (error, order) => {
    if (error) return next(error);
    try {
      res.json(db.findUser(customer(order)));
    } catch (blocked) {
      next(blocked);
    }
  });
});
app.post('/promise', async (req, res) => void res.json(db.findUser(customer(await xml2js.parseStringPromise(req.body as string)))));
const server = createServer(app);

// async: true parses in chunks from setImmediate.
const fastify = Fastify();
fastify.addContentTypeParser('application/xml', { parseAs: 'string' }, (_req, body, done) => {
  new xml2js.Parser({ async: true }).parseString(body as string, (error, order) => done(error, order));
});
fastify.post('/order', async (req) => db.findUser(customer(req.body as Order)));

const bases = serveExpressAndFastify(t, server, fastify);

t.test('express + xml2js.parseString callback: element text', async (t) => {
  assertBlocked(t, await request(`${bases.express}/callback`, xmlOrder(SQLI)), events, 'xml', 'order.customer.0.name.0', 'better-sqlite3.prepare');
  assertBenign(t, await request(`${bases.express}/callback`, xmlOrder('alice')), events, ALICE);
  t.ok(db.intact());
});

t.test('express + xml2js.parseStringPromise: attribute', async (t) => {
  assertBlocked(t, await request(`${bases.express}/promise`, xmlOrder('alice', "x' OR 'a'='a")), events, 'xml', 'order.$.ref');
  assertBenign(t, await request(`${bases.express}/promise`, xmlOrder('bob', 'alice')), events, ALICE);
});

t.test('fastify content type parser + async xml2js Parser', async (t) => {
  assertBlocked(t, await request(`${bases.fastify}/order`, xmlOrder(SQLI)), events, 'xml', 'order.customer.0.name.0');
  assertBenign(t, await request(`${bases.fastify}/order`, xmlOrder('alice')), events, ALICE);
  t.ok(db.intact());
});

t.test('a document parsed outside any request is not an input, and parsing is unchanged', async (t) => {
  t.equal(currentContext(), undefined);
  const parsed = await xml2js.parseStringPromise('<config><name>alice</name></config>');
  t.same(parsed, { config: { name: ['alice'] } });
  const parser = new xml2js.Parser();
  const viaCallback = await new Promise((resolve, reject) => parser.parseString('<a b="1">x</a>', (e, r) => (e ? reject(e) : resolve(r))));
  t.same(viaCallback, { a: { _: 'x', $: { b: '1' } } });
});
