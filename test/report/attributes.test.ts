// Rendering of a finding into attributes: semantic-convention names, redaction of
// credentials (inputs, url.full), truncation, and the optional input value.
import t from 'tap';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import type { Config } from '../../src/config/types';
import type { InputSource } from '../../src/detect/types';
import { findingAttributes, MAX_SINK_TEXT } from '../../src/report/attributes';
import { findingFrom, type SinkAttributes } from '../../src/report/finding';
import { SecretKeys, maskPathTokens, sanitizeUrl } from '../../src/report/redact';
import { ruleCategory, ruleUuid } from '../../src/report/rules';

function config(telemetry: Partial<Config['telemetry']> = {}): Config {
  return { ...DEFAULT_CONFIG, telemetry: { ...DEFAULT_CONFIG.telemetry, ...telemetry } };
}

function finding(opts: { source?: InputSource; path?: string; value?: string; sink?: SinkAttributes; blocked?: boolean; stack?: string } = {}) {
  return findingFrom(
    {
      kind: 'sql_injection',
      input: { source: opts.source ?? 'query', path: opts.path ?? 'name', value: opts.value ?? "' OR '1'='1" },
      rule: 'sqli.token-boundary',
      reason: 'input crossed a string literal boundary',
    },
    opts.blocked === false ? 'monitored' : 'blocked',
    'better-sqlite3.prepare',
    opts.sink ?? { 'db.system.name': 'sqlite', 'db.query.text': 'SELECT * FROM users WHERE name = ? OR ?=?' },
    { requestId: 'req-1', method: 'GET', route: '/users', path: '/users', peerAddress: '::1', userAgent: 'curl/8' },
    0.042,
    opts.stack,
  );
}

t.test('a blocked SQL finding renders every attribute under its convention name', async (t) => {
  t.same(findingAttributes(finding({ stack: 'at handler (/app/routes.js:10:5)' }), config()), {
    'db.system.name': 'sqlite',
    'db.query.text': 'SELECT * FROM users WHERE name = ? OR ?=?',
    'security_rule.name': 'sqli.token-boundary',
    'security_rule.category': 'injection/sql',
    'security_rule.uuid': ruleUuid('sqli.token-boundary'),
    'security_rule.version': '1',
    'security_rule.ruleset.name': 'rampart',
    'security_rule.description': 'input crossed a string literal boundary',
    'rampart.attack.kind': 'sql_injection',
    'rampart.action': 'blocked',
    'rampart.sink': 'better-sqlite3.prepare',
    'rampart.input.source': 'query',
    'rampart.input.path': 'name',
    'rampart.input.value': "' OR '1'='1",
    'rampart.check.duration_ms': 0.042,
    'rampart.request.id': 'req-1',
    'http.request.method': 'GET',
    'http.route': '/users',
    'url.path': '/users',
    'client.address': '::1',
    'network.peer.address': '::1',
    'user_agent.original': 'curl/8',
    'error.type': 'RampartBlockedError',
    'code.stacktrace': 'at handler (/app/routes.js:10:5)',
  });
});

t.test('rule identity: stable name-based UUID, category per kind', async (t) => {
  t.equal(ruleUuid('sqli.token-boundary'), ruleUuid('sqli.token-boundary'));
  t.not(ruleUuid('sqli.token-boundary'), ruleUuid('sqli.comment'));
  t.match(ruleUuid('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.same(
    (['sql_injection', 'command_injection', 'path_traversal', 'ssrf'] as const).map(ruleCategory),
    ['injection/sql', 'injection/command', 'path-traversal', 'ssrf'],
  );
});

t.test('monitored: no error.type; no request: no request attributes', async (t) => {
  const attrs = findingAttributes(finding({ blocked: false }), config());
  t.equal(attrs['rampart.action'], 'monitored');
  t.notOk('error.type' in attrs);
  const bare = findingFrom(
    { kind: 'path_traversal', input: { source: 'custom', path: 'job.file', value: '../x' }, rule: 'r', reason: 'why' },
    'monitored',
    'fs.readFile',
    { 'file.path': '/srv/data/../x' },
    undefined,
    0,
    undefined,
  );
  const b = findingAttributes(bare, config());
  for (const key of ['rampart.request.id', 'http.request.method', 'url.path', 'client.address', 'code.stacktrace']) t.notOk(key in b, key);
  t.equal(b['file.path'], '/srv/data/../x');
});

t.test('secret inputs: credential headers, cookies and configured keys never carry a value', async (t) => {
  const cases: Array<[InputSource, string]> = [
    ['headers', 'authorization'],
    ['headers', 'proxy-authorization'],
    ['headers', 'x-api-key'],
    ['headers', 'set-cookie.0'],
    ['cookies', 'session'],
    ['body', 'user.password'],
    ['body', 'credentials.client_secret'],
    ['query', 'access_token'],
    ['body', 'refreshToken'],
  ];
  for (const [source, path] of cases) {
    const attrs = findingAttributes(finding({ source, path, value: 'hunter2' }), config());
    t.notOk('rampart.input.value' in attrs, `${source}.${path}: no value`);
    t.equal(attrs['rampart.input.redacted'], true, `${source}.${path}: marked redacted`);
    t.notMatch(JSON.stringify(attrs), /hunter2/, `${source}.${path}: the value appears nowhere`);
  }
  const custom = findingAttributes(finding({ source: 'body', path: 'ssn', value: '078-05-1120' }), config({ redactKeys: ['ssn'] }));
  t.notOk('rampart.input.value' in custom, 'configured key');
  const noKeys = findingAttributes(finding({ source: 'headers', path: 'authorization', value: 'hunter2' }), config({ redactKeys: [] }));
  t.notOk('rampart.input.value' in noKeys, 'authorization is secret even with an empty redactKeys');
  const plain = findingAttributes(finding({ source: 'body', path: 'user.name' }), config());
  t.equal(plain['rampart.input.value'], "' OR '1'='1", 'ordinary inputs keep their value');
  t.notOk('rampart.input.redacted' in plain);
});

t.test('input value: truncated to maxValueLength, or left out entirely', async (t) => {
  const long = 'x'.repeat(1000);
  t.equal(findingAttributes(finding({ value: long }), config())['rampart.input.value'], `${'x'.repeat(256)}…`);
  t.equal(findingAttributes(finding({ value: long }), config({ maxValueLength: 8 }))['rampart.input.value'], 'xxxxxxxx…');
  const off = findingAttributes(finding(), config({ includeInputValue: false }));
  t.notOk('rampart.input.value' in off);
  t.notOk('rampart.input.redacted' in off, 'not a secret, just not included');
});

t.test('url.full: credentials stripped, signed and secret query values redacted', async (t) => {
  const secrets = new SecretKeys(config());
  t.equal(sanitizeUrl('http://admin:s3cret@10.0.0.1:8080/api?x=1', secrets), 'http://REDACTED:REDACTED@10.0.0.1:8080/api?x=1');
  t.equal(sanitizeUrl('https://user@example.com/', secrets), 'https://REDACTED:REDACTED@example.com/');
  t.equal(sanitizeUrl('https://example.com/p@th?mail=a@b', secrets), 'https://example.com/p@th?mail=a@b', 'an @ after the authority is not userinfo');
  t.equal(
    sanitizeUrl('https://s3.example.com/o?X-Amz-Date=1&Signature=abc&AWSAccessKeyId=AK&sig=zz&token=t0k&api_key=k#frag', secrets),
    'https://s3.example.com/o?X-Amz-Date=1&Signature=REDACTED&AWSAccessKeyId=REDACTED&sig=REDACTED&token=REDACTED&api_key=REDACTED#frag',
  );
  t.equal(sanitizeUrl('//u:p@host/x', secrets), '//REDACTED:REDACTED@host/x', 'scheme-relative');
  t.equal(sanitizeUrl('not a url', secrets), 'not a url');
  const attrs = findingAttributes(finding({ sink: { 'url.full': 'http://root:toor@169.254.169.254/latest?token=abc', 'server.address': '169.254.169.254' } }), config());
  t.equal(attrs['url.full'], 'http://REDACTED:REDACTED@169.254.169.254/latest?token=REDACTED');
  t.equal(attrs['server.address'], '169.254.169.254');
});

t.test('sink text is bounded; a describe() cannot override rampart attributes', async (t) => {
  const attrs = findingAttributes(
    finding({ sink: { 'db.query.text': 'S'.repeat(MAX_SINK_TEXT + 50), 'server.port': 5432, 'rampart.action': 'allowed' } }),
    config(),
  );
  t.equal((attrs['db.query.text'] as string).length, MAX_SINK_TEXT + 1, 'truncated with an ellipsis');
  t.equal(attrs['server.port'], 5432, 'numbers kept as numbers');
  t.equal(attrs['rampart.action'], 'blocked');
  const stack = findingAttributes(finding({ stack: 'at x\n'.repeat(5000) }), config())['code.stacktrace'] as string;
  t.ok(stack.length <= 4097, 'stack bounded');
});

t.test('redactKeys extends the built-in names; common secret names are built in', async (t) => {
  const names = ['pwd', 'passwd', 'pass', 'db_pass', 'password', 'api_key', 'X-Api-Key', 'access_token', 'refreshToken', 'client_secret', 'private_key', 'aws_access_key_id', 'credentials', 'session_id', 'jwt'];
  const extended = config({ redactKeys: ['ssn'] });
  for (const path of names) {
    const attrs = findingAttributes(finding({ source: 'body', path, value: 'hunter2' }), extended);
    t.notOk('rampart.input.value' in attrs, `${path}: no value with redactKeys: ['ssn']`);
  }
  t.notOk('rampart.input.value' in findingAttributes(finding({ source: 'body', path: 'ssn', value: '078-05-1120' }), extended), 'the added key');
  t.equal(findingAttributes(finding({ source: 'body', path: 'user.name' }), extended)['rampart.input.value'], "' OR '1'='1", 'ordinary names keep their value');
});

t.test('url.full: presigned and keyed URLs lose their signatures and credentials', async (t) => {
  const secrets = new SecretKeys(config());
  const url = sanitizeUrl(
    'https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIAX%2F2024&X-Amz-Signature=abc123&X-Amz-Security-Token=tok&X-Goog-Signature=g&key=AIzaK&code=c0de&page=2',
    secrets,
  );
  t.equal(url, 'https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&X-Goog-Signature=REDACTED&key=REDACTED&code=REDACTED&page=2');
});

t.test('url.path: segments that look like tokens are masked, words and ids are not', async (t) => {
  t.equal(maskPathTokens('/reset/3f9a2c1e7b8d4e6fa0b1c2d3e4f5a6b7/confirm'), '/reset/REDACTED/confirm', 'hex token');
  t.equal(maskPathTokens('/invite/aZ3kP9qLm2Xw8RtY5vBn'), '/invite/REDACTED', 'random base62');
  t.equal(maskPathTokens('/files/123e4567-e89b-12d3-a456-426614174000'), '/files/REDACTED', 'uuid');
  t.equal(maskPathTokens('/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'), '/t/REDACTED', 'jwt');
  t.equal(maskPathTokens('/users/42/orders'), '/users/42/orders');
  t.equal(maskPathTokens('/blog/my-very-long-article-title-here'), '/blog/my-very-long-article-title-here', 'a slug');
  t.equal(maskPathTokens('/api/v2/getUserPreferencesList'), '/api/v2/getUserPreferencesList', 'a camelCase word');
  const attrs = findingAttributes(findingFrom(
    { kind: 'sql_injection', input: { source: 'query', path: 'q', value: 'x' }, rule: 'r', reason: 'r' },
    'blocked', 's', {}, { requestId: 'r', path: '/reset/3f9a2c1e7b8d4e6fa0b1c2d3e4f5a6b7' }, 0, undefined), config());
  t.equal(attrs['url.path'], '/reset/REDACTED');
});
