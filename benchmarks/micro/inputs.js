'use strict';
// Input collection per request, against dist/: what a request costs when it never
// reaches a sink (the context object alone), and what the first sink check costs for a
// realistic request (20 headers, 10 query parameters, a 5 KB JSON body, route params)
// when rampart walks everything once. Later checks of the same request reuse the result.
// Run directly (`node benchmarks/micro/inputs.js`) or through runInputs(options).
const path = require('node:path');
const { measure } = require('../lib/measure');

const dist = path.join(__dirname, '..', '..', 'dist');
const { RequestContext } = require(path.join(dist, 'context', 'request-context'));
const { DEFAULT_CONFIG } = require(path.join(dist, 'config', 'defaults'));
const { FASTIFY_ADAPTER } = require(path.join(dist, 'hooks', 'sources', 'fastify'));

const LIMITS = DEFAULT_CONFIG.limits;

const HEADERS = {
  host: 'shop.example.com',
  connection: 'keep-alive',
  'cache-control': 'max-age=0',
  'sec-ch-ua': '"Chromium";v="126", "Not.A/Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
  'upgrade-insecure-requests': '1',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  accept: 'application/json, text/plain, */*',
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
  referer: 'https://shop.example.com/products?page=2',
  'accept-encoding': 'gzip, deflate, br',
  'accept-language': 'en-US,en;q=0.9',
  'content-type': 'application/json',
  'content-length': '5120',
  'x-request-id': '9b2f6c1e-8d4a-4f5e-9a7b-2c3d4e5f6a7b',
  'x-forwarded-for': '203.0.113.7',
  cookie: 'session=s%3Aabc123def456.sig; theme=dark; consent=yes',
};

const URL_WITH_QUERY = '/api/orders/8812/items?page=2&per_page=50&sort=created_at&order=desc&status=open&q=winter%20boots&min_price=10&max_price=250&currency=EUR&include=customer%2Cpayments';

/** A ~5 KB order as an API would receive it. */
function body() {
  const items = [];
  const order = {
    customer: { id: 'cus_8812', name: "Sinéad O'Brien", email: 'sinead@example.com', phone: '+353 1 555 0199' },
    shipping: { street: '12 Harbour Road', city: 'Dún Laoghaire', zip: 'A96 X2Y3', country: 'IE' },
    items,
    coupon: 'WINTER-2024',
    comment: 'Please leave the parcel with the neighbour at number 14 if nobody is home.',
  };
  for (let i = 0; JSON.stringify(order).length < 5 * 1024; i++) {
    items.push({ sku: `SKU-${1000 + i}`, name: `Wool socks, size ${i % 5}`, quantity: (i % 3) + 1, price: 12.5 + i, note: i % 4 === 0 ? "gift wrap, please don't forget" : '' });
  }
  return order;
}

const BODY = body();
const BODY_BYTES = JSON.stringify(BODY).length;

function request() {
  return { method: 'POST', url: URL_WITH_QUERY, headers: HEADERS, body: BODY, params: { orderId: '8812' }, socket: {} };
}

const RES = {};
const REQ = request();
const cached = new RequestContext(LIMITS, REQ, RES);
cached.inputs();
const FASTIFY_REQUEST = { raw: REQ, body: BODY, params: { orderId: '8812' }, query: { page: '2', per_page: '50' }, cookies: {} };

// Results are kept so the engine cannot drop the work as dead code.
let keep;

const cases = [
  {
    name: 'context created, no sink reached',
    fn: () => (keep = new RequestContext(LIMITS, REQ, RES)),
    batch: 1000,
    group: 'no-sink',
  },
  {
    name: 'context created + fastify request attached, no sink reached',
    fn: () => {
      keep = new RequestContext(LIMITS, REQ, RES);
      keep.attach(FASTIFY_ADAPTER, FASTIFY_REQUEST);
    },
    batch: 1000,
    group: 'no-sink',
  },
  {
    name: `first sink check: collect all inputs (20 headers, 10 query, ${(BODY_BYTES / 1024).toFixed(1)} KB JSON body)`,
    fn: () => (keep = new RequestContext(LIMITS, REQ, RES).inputs()),
    batch: 10,
    group: 'first-check',
  },
  {
    name: 'later sink check of the same request (cached)',
    fn: () => (keep = cached.inputs()),
    batch: 1000,
    group: 'later-check',
  },
];

async function runInputs(options) {
  const results = await measure(cases, options);
  const inputs = new RequestContext(LIMITS, REQ, RES).inputs().length;
  return results.map((r, i) => ({ ...r, group: cases[i].group, inputs: cases[i].group === 'first-check' ? inputs : undefined }));
}

module.exports = { runInputs, kept: () => keep };

if (require.main === module) {
  runInputs({ timeMs: 500 }).then((rows) => {
    for (const r of rows) console.log(`${r.name}: median ${Math.round(r.medianNs)} ns, p99 ${Math.round(r.p99Ns)} ns${r.inputs ? ` (${r.inputs} inputs)` : ''}`);
  });
}
