// XML bodies parsed with fast-xml-parser inside a request (express with a text body
// parser, fastify with its own content type parser): the parsed document is an `xml`
// input, named by element path. Documents parsed outside a request are not inputs.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { currentContext } from '../../src/context/store';
import { request } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { SQLI, assertBenign, assertBlocked, usersDb } from './support';
import { serveExpressAndFastify, xmlOrder } from './xml-support';

const events = captureOtelLogs();
start({ logLevel: 'silent' });
t.teardown(stop);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as typeof import('express');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Fastify = require('fastify') as typeof import('fastify').default;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { XMLParser } = require('fast-xml-parser') as typeof import('fast-xml-parser');

const db = usersDb();
const ALICE = [{ id: 1, name: 'alice' }];
const parser = new XMLParser({ ignoreAttributes: false });
interface Order {
  order: { customer: { name: string }; '@_ref'?: string };
}

const app = express();
app.use(express.text({ type: 'application/xml' }));
app.post('/order', (req, res) => {
  const order = parser.parse(req.body as string) as Order;
  res.json(db.findUser(order.order['@_ref'] ?? order.order.customer.name));
});

const fastify = Fastify();
fastify.addContentTypeParser('application/xml', { parseAs: 'string' }, (_req, body, done) => done(null, parser.parse(body as string)));
fastify.post('/order', async (req) => db.findUser((req.body as Order).order.customer.name));

const bases = serveExpressAndFastify(t, createServer(app), fastify);

t.test('express + fast-xml-parser: element text', async (t) => {
  assertBlocked(t, await request(`${bases.express}/order`, xmlOrder(SQLI)), events, 'xml', 'order.customer.name', 'better-sqlite3.prepare');
  assertBenign(t, await request(`${bases.express}/order`, xmlOrder('alice')), events, ALICE);
  t.ok(db.intact());
});

t.test('express + fast-xml-parser: attribute', async (t) => {
  assertBlocked(t, await request(`${bases.express}/order`, xmlOrder('alice', "x' OR 'a'='a")), events, 'xml', 'order.@_ref');
  assertBenign(t, await request(`${bases.express}/order`, xmlOrder('bob', 'alice')), events, ALICE);
});

t.test('fastify content type parser + fast-xml-parser', async (t) => {
  assertBlocked(t, await request(`${bases.fastify}/order`, xmlOrder(SQLI)), events, 'xml', 'order.customer.name');
  assertBenign(t, await request(`${bases.fastify}/order`, xmlOrder('alice')), events, ALICE);
});

t.test('a document parsed outside any request is not an input', async (t) => {
  t.equal(currentContext(), undefined);
  const parsed = parser.parse('<config><name>alice</name></config>') as { config: { name: string } };
  t.equal(parsed.config.name, 'alice', 'parse returns the same result');
  t.equal(XMLParser.prototype.parse.name, 'parse');
});
