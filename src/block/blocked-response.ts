// Delivers the block response the moment a sink refuses a call, then makes the response
// object inert, so whatever the app's error handling does next (a 500 page, a retry of
// res.json, a streamed file) neither reaches the client nor throws "headers already sent".
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlockResponseConfig } from '../config/types';

const NEUTRALIZED = Symbol('rampart.blocked-response');

export function sendBlockedResponse(req: IncomingMessage | undefined, res: ServerResponse, requestId: string, config: BlockResponseConfig): void {
  if ((res as unknown as Record<symbol, boolean>)[NEUTRALIZED]) return;
  const end = res.end.bind(res);
  if (!res.headersSent && !res.writableEnded) {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const html = prefersHtml(req);
    const body = html ? config.html.split('{requestId}').join(escapeHtml(requestId)) : JSON.stringify(fillRequestId(config.json, requestId));
    res.writeHead(config.status, {
      'content-type': html ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-rampart-request-id': requestId,
    });
    end(body);
  } else if (!res.writableEnded) {
    end(); // part of the app's response is already out: finish it cleanly, add nothing.
  }
  neutralize(res, config.status);
}

/** Turns every later write on this response into a harmless no-op. */
function neutralize(res: ServerResponse, status: number): void {
  const target = res as unknown as Record<string | symbol, unknown>;
  target[NEUTRALIZED] = true;
  const noop = function (this: ServerResponse) {
    return this;
  };
  for (const name of ['setHeader', 'appendHeader', 'removeHeader', 'setHeaders', 'writeHead', 'flushHeaders', 'addTrailers', 'writeContinue', 'writeProcessing', 'writeEarlyHints']) {
    if (typeof target[name] === 'function') target[name] = noop;
  }
  target.write = function (...args: unknown[]): boolean {
    callLastCallback(args);
    return true;
  };
  target.end = function (this: ServerResponse, ...args: unknown[]) {
    callLastCallback(args);
    return this;
  };
  // Frameworks check headersSent before writing and tear the socket down when it is true;
  // reporting false lets their error path run into the no-ops above instead.
  Object.defineProperty(res, 'headersSent', { configurable: true, get: () => false });
  Object.defineProperty(res, 'statusCode', { configurable: true, get: () => status, set: () => {} });
}

function callLastCallback(args: unknown[]): void {
  const last = args[args.length - 1];
  if (typeof last === 'function') process.nextTick(last as () => void);
}

function prefersHtml(req: IncomingMessage | undefined): boolean {
  const accept = req?.headers.accept;
  if (typeof accept !== 'string') return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

function fillRequestId(value: unknown, requestId: string): unknown {
  if (typeof value === 'string') return value.split('{requestId}').join(requestId);
  if (Array.isArray(value)) return value.map((v) => fillRequestId(v, requestId));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillRequestId(v, requestId);
    return out;
  }
  return value;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
