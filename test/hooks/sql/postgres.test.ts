// postgres (postgres.js) against the real PostgreSQL server: sql.unsafe standalone and as a
// fragment of a tagged template, cursors, forEach, transactions and reserved connections.
// Tagged templates send values as parameters and are left alone.
import t from 'tap';
import { RampartBlockedError, start, stop } from '../../../src/index';
import { currentContext } from '../../../src/context/store';
import { captureOtelLogs } from '../../helpers/otel';
import { asInput, plain, ROWS, slotCases } from './_cases';

const events = captureOtelLogs();
start({ logLevel: 'silent' });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const postgres = require('postgres') as typeof import('postgres');

const T = `rampart_pgjs_${process.pid}`;
const options = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'rampart_test', max: 2, onnotice: () => undefined };
const admin = postgres(options); // verification only, outside any request context
const sql = postgres(options);
const cases = slotCases(T, 'postgres');

t.before(async () => {
  await admin.unsafe(`DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id int PRIMARY KEY, name text)`);
  await admin.unsafe(`INSERT INTO ${T} (id, name) VALUES ${ROWS.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
});
t.teardown(async () => {
  await admin.unsafe(`DROP TABLE IF EXISTS ${T}`);
  await Promise.all([admin.end(), sql.end()]);
  stop();
});

async function serverState(): Promise<{ table: boolean; ids: number[]; sleepers: number }> {
  const [{ ok }] = await admin.unsafe(`SELECT to_regclass('${T}') IS NOT NULL AS ok`);
  const ids = ok ? (await admin.unsafe(`SELECT id FROM ${T} ORDER BY id`)).map((r) => r.id as number) : [];
  const [{ n }] = await admin.unsafe(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%FROM ${T}%pg_sleep%' AND pid <> pg_backend_pid()`);
  return { table: ok as boolean, ids, sleepers: n as number };
}
const INTACT = { table: true, ids: [1, 2, 3], sleepers: 0 };

t.test('benign input: every slot returns the right rows through sql.unsafe', async (t) => {
  for (const c of cases) {
    await asInput(c.benign, async () => {
      t.same(plain(await sql.unsafe(c.sql(c.benign))), c.expected, c.slot);
    });
  }
  t.equal(events.attacks().length, 0, 'no finding for benign input');
});

t.test('tagged templates are parameterized and untouched', async (t) => {
  const attack = cases[0]!.attack;
  await asInput(attack, async () => {
    t.same(await sql`SELECT id, name FROM ${sql(T)} WHERE name = ${attack}`, [], 'the attack is only a value');
    t.same(plain(await sql`SELECT id, name FROM ${sql(T)} WHERE name = ${'alice'}`), [ROWS[0]]);
  });
  t.equal(events.attacks().length, 0, 'no finding');
});

t.test('benign input through every call shape', async (t) => {
  const text = `SELECT id, name FROM ${T} WHERE name = 'alice'`;
  const want = [ROWS[0]];
  await asInput('alice', async () => {
    t.same(plain(await sql.unsafe(`SELECT id, name FROM ${T} WHERE name = $1`, ['alice'])), want, 'unsafe with parameters');
    const col = 'name';
    await asInput(col, async () => {
      t.same(plain(await sql`SELECT id, name FROM ${sql(T)} WHERE id < ${3} ORDER BY ${sql.unsafe(col)} DESC`), [ROWS[1], ROWS[0]], 'unsafe fragment');
    });
    const viaCursor: unknown[] = [];
    for await (const batch of sql.unsafe(text).cursor(10)) viaCursor.push(...batch);
    t.same(plain(viaCursor), want, 'cursor');
    const viaForEach: unknown[] = [];
    await sql.unsafe(text).forEach((row) => viaForEach.push(row));
    t.same(plain(viaForEach), want, 'forEach');
    t.same(plain(await sql.begin((tx) => tx.unsafe(text))), want, 'transaction');
    const reserved = await sql.reserve();
    try {
      t.same(plain(await reserved.unsafe(text)), want, 'reserved connection');
    } finally {
      reserved.release();
    }
  });
  t.equal(events.attacks().length, 0);
});

t.test('attacks in every slot are blocked before reaching the server', async (t) => {
  for (const c of cases) {
    await asInput(c.attack, async () => {
      await t.rejects(sql.unsafe(c.sql(c.attack)), RampartBlockedError, c.slot);
    });
    t.same(await serverState(), INTACT, `${c.slot}: table intact, no row added, nothing sleeping`);
  }
  t.equal(events.attacks().length, cases.length, 'one finding per call');
  t.equal(events.attacks()[0]?.attributes['rampart.sink'], 'postgres.unsafe');
  t.equal(events.attacks()[0]?.attributes['db.system.name'], 'postgresql');
  events.reset();
});

t.test('blocked unsafe queries fail through the query’s own channel', async (t) => {
  const orderAttack = cases[4]!.attack;
  await asInput(orderAttack, async () => {
    // The fragment is checked inside the tagged query that splices it in.
    await t.rejects(sql`SELECT id, name FROM ${sql(T)} ORDER BY ${sql.unsafe(orderAttack)}`, RampartBlockedError, 'fragment in a tagged template');
    const text = cases[4]!.sql(orderAttack);
    await t.rejects(
      (async () => {
        for await (const batch of sql.unsafe(text).cursor(10)) t.fail(String(batch));
      })(),
      RampartBlockedError,
      'cursor',
    );
    await t.rejects(sql.unsafe(text).forEach(() => t.fail('no row')), RampartBlockedError, 'forEach');
    await t.rejects(sql.begin((tx) => tx.unsafe(text)), RampartBlockedError, 'transaction (rolled back)');
    const query = sql.unsafe(text);
    await t.rejects(query, RampartBlockedError);
    await t.rejects(query, RampartBlockedError, 'awaiting again does not send it');
  });
  t.same(await serverState(), INTACT);
  t.equal(events.attacks().length, 5, 'one finding per blocked query');
  events.reset();
});

t.test('driver errors are unchanged', async (t) => {
  await asInput('alice', async () => {
    await t.rejects(sql.unsafe(`SELEC id FROM ${T} WHERE name = 'alice'`), { code: '42601', name: 'PostgresError' });
  });
  t.equal(events.attacks().length, 0);
});

t.test('awaits stay in the caller’s request context', async (t) => {
  const same = await asInput('ctx', async () => {
    const mine = currentContext();
    await sql.unsafe('SELECT 1');
    return currentContext() === mine;
  });
  t.ok(same);
});
