// Koa 3 with @koa/router and koa-body (the current majors) over real HTTP: koa-body's
// JSON, urlencoded, text and multipart parsers put their results on ctx.request.body,
// which rampart reads through the createContext wrapper. Every source reaches a SQLite
// sink and is blocked with the right source and path, benign input works, and shell,
// file and outbound sinks are blocked. (Koa 2 runs the same app in koa2.test.ts.)
import { createServer } from 'node:http';
import t from 'tap';
import { start, stop } from '../../src/index';
import { closeServer, listen } from '../helpers/http';
import { captureOtelLogs } from '../helpers/otel';
import { ALL_SOURCES, sinkCases, sourceCases } from './cases';
import { koaCasesApp } from './koa-app';
import { sinkActions, sinkSandbox } from './sinks';
import { usersDb } from './support';

const events = captureOtelLogs();
start({ logLevel: 'silent', ssrf: { allowHosts: ['127.0.0.2'] } });
t.teardown(stop);

const db = usersDb();
const box = sinkSandbox('koa-body');
/* eslint-disable @typescript-eslint/no-require-imports */
const packages = { Koa: require('koa'), Router: require('@koa/router'), koaBody: (require('koa-body') as typeof import('koa-body')).koaBody as never };
const majors = ['koa', 'koa-body'].map((name) => Number((require(`${name}/package.json`) as { version: string }).version.split('.')[0]));
/* eslint-enable @typescript-eslint/no-require-imports */
const server = createServer(koaCasesApp(packages, db, sinkActions(box)));
let base = '';
t.before(async () => {
  base = await listen(server);
});
t.teardown(() => closeServer(server));

t.same(majors, [3, 8], 'koa 3 with koa-body 8 under test');
const underTest = { base: () => base, events, db, box };
sourceCases(t, underTest, ALL_SOURCES);
sinkCases(t, underTest);
