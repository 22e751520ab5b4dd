// Koa 2 (from the legacy fixture) with @koa/router 13 and koa-body 6 over real HTTP:
// inputs on koa's context (ctx.request.body from koa-body's JSON, urlencoded, text and
// multipart parsers, ctx.params, ctx.request.query) reach rampart through the
// createContext wrapper. Every source reaches a SQLite sink and is blocked with the right
// source and path, benign input works, and shell, file and outbound sinks are blocked.
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { ALL_SOURCES, sinkCases, sourceCases } from './cases';
import { koaCasesApp } from './koa-app';
import { legacyMajor, requireLegacy } from './legacy';
import { sinkActions, sinkSandbox } from './sinks';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

const db = usersDb();
const box = sinkSandbox('koa2');
const packages = { Koa: requireLegacy('koa'), Router: requireLegacy('@koa/router'), koaBody: requireLegacy('koa-body').koaBody };
const server = createServer(koaCasesApp(packages, db, sinkActions(box)));
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

t.same([legacyMajor('koa'), legacyMajor('koa-body')], [2, 6], 'koa 2 with koa-body 6 under test');
const underTest = { base: () => base, events, db, box };
sourceCases(t, underTest, ALL_SOURCES);
sinkCases(t, underTest);
