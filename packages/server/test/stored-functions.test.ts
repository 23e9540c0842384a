/**
 * Stored functions as the migration runner applies them (platform/db/migrate.ts), each test on
 * a new database and a copy of functions/ it may edit: an unchanged file is never re-run, an
 * edited one is re-applied alone (a new signature replacing the old), one calling a function a
 * later file makes waits for it, a broken one changes nothing, a deleted one is dropped, and
 * hubs starting together apply each change once.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPool, migrate } from '../src/platform/db/index.ts';
import { FUNCTIONS_DIR, MIGRATIONS_DIR } from '../src/platform/db/migrate.ts';
import { isolatedDatabase, type IsolatedDatabase } from './support/db.ts';

let database: IsolatedDatabase;
let pool: pg.Pool;
let functionsDir: string;

beforeEach(async () => {
  database = await isolatedDatabase();
  pool = createPool(database.url, 4);
  functionsDir = await mkdtemp(path.join(tmpdir(), 'dropgate-functions-'));
  await cp(FUNCTIONS_DIR, functionsDir, { recursive: true });
});
afterEach(async () => {
  await pool?.end();
  await database?.drop();
  await rm(functionsDir, { recursive: true, force: true });
});

const migrateHere = () => migrate(pool, { functionsDir });
/** The functions of the repository, by file name: every test starts from all of them. */
const ALL = (await readdir(FUNCTIONS_DIR)).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort();
const sha256 = async (file: string) => createHash('sha256').update(await readFile(path.join(functionsDir, file))).digest('hex');
/** The records, applied_at as text: full precision, so "did not move" means exactly that. */
async function records(): Promise<Array<{ name: string; sha256: string; appliedAt: string }>> {
  const { rows } = await pool.query('SELECT name, sha256, applied_at::text AS "appliedAt" FROM stored_functions ORDER BY name');
  return rows;
}
async function signatures(name: string): Promise<string[]> {
  const { rows } = await pool.query<{ signature: string }>(
    'SELECT oid::regprocedure::text AS signature FROM pg_proc WHERE proname = $1 ORDER BY 1', [name]);
  return rows.map((r) => r.signature);
}

const PARTNER_PRICE_WITH_FLOOR = `-- A new signature: a floor under the partner price.
CREATE FUNCTION offer_partner_price(p_offer_id bigint, p_merchant_id bigint, p_floor bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT greatest(p_floor, round(o.price * (100 - coalesce(c.percent, o.commission_percent)) / 100)::bigint)
    FROM offers o LEFT JOIN offer_commissions c ON c.offer_id = o.id AND c.merchant_id = p_merchant_id
   WHERE o.id = p_offer_id
$$;
`;

describe('stored functions', () => {
  it('a first start applies every file and records its hash; a second start re-runs none and moves no record', async () => {
    const first = await migrateHere();
    expect(first.migrations).toEqual((await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort());
    expect(first.functions).toEqual(ALL);
    const applied = await records();
    expect(applied).toEqual(await Promise.all(ALL.map(async (name) => ({ name, sha256: await sha256(`${name}.sql`), appliedAt: expect.any(String) }))));

    expect(await migrateHere()).toEqual({ migrations: [], functions: [], removedFunctions: [] });
    expect(await records()).toEqual(applied);
  });

  it('an edited file is re-applied, and only it; its new signature replaces the old one', async () => {
    await migrateHere();
    const record = async (name: string) => (await records()).find((r) => r.name === name);
    const [partnerPriceBefore, placeOrderBefore] = [await record('offer_partner_price'), await record('place_order')];
    expect(await signatures('offer_partner_price')).toEqual(['offer_partner_price(bigint,bigint)']);

    await writeFile(path.join(functionsDir, 'offer_partner_price.sql'), PARTNER_PRICE_WITH_FLOOR);
    expect(await migrateHere()).toEqual({ migrations: [], functions: ['offer_partner_price'], removedFunctions: [] });

    expect(await signatures('offer_partner_price')).toEqual(['offer_partner_price(bigint,bigint,bigint)']);
    // Offer 999 costs 2309 (KZT minor units), no commission: the floor is the new body at work.
    const { rows: [priced] } = await pool.query('SELECT offer_partner_price(999, 1, 5000) AS floor, offer_partner_price(999, 1, 0) AS plain');
    expect(priced).toEqual({ floor: 5000, plain: 2309 });
    const [partnerPriceAfter, placeOrderAfter] = [await record('offer_partner_price'), await record('place_order')];
    expect(partnerPriceAfter!.sha256).toBe(await sha256('offer_partner_price.sql'));
    expect(partnerPriceAfter!.sha256).not.toBe(partnerPriceBefore!.sha256);
    expect(partnerPriceAfter!.appliedAt).not.toBe(partnerPriceBefore!.appliedAt);
    expect(placeOrderAfter).toEqual(placeOrderBefore);
    expect(await migrateHere()).toEqual({ migrations: [], functions: [], removedFunctions: [] });
  });

  it('a file that fails rolls back whole: the previous function and its record stay', async () => {
    await migrateHere();
    const before = await records();
    await writeFile(path.join(functionsDir, 'offer_partner_price.sql'),
      'CREATE FUNCTION offer_partner_price(p_offer_id bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT no_such_column FROM offers $$;');
    await expect(migrateHere()).rejects.toThrow(/^function offer_partner_price\.sql failed: column "no_such_column" does not exist/);
    expect(await signatures('offer_partner_price')).toEqual(['offer_partner_price(bigint,bigint)']);
    expect(await records()).toEqual(before);
  });

  it('a file must create the function it is named after', async () => {
    await migrateHere();
    await writeFile(path.join(functionsDir, 'misnamed.sql'), 'CREATE FUNCTION other_name() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;');
    await expect(migrateHere()).rejects.toThrow('function misnamed.sql failed: misnamed.sql does not create a function named misnamed');
    expect(await signatures('other_name')).toEqual([]);
    expect((await records()).map((r) => r.name)).toEqual(ALL);
  });

  it('a SQL function calling one a later file makes waits for it; one calling a function no file makes fails, naming it', async () => {
    await writeFile(path.join(functionsDir, 'aa_first.sql'), 'CREATE FUNCTION aa_first() RETURNS int LANGUAGE sql AS $$ SELECT zz_last() + 1 $$;');
    await writeFile(path.join(functionsDir, 'zz_last.sql'), 'CREATE FUNCTION zz_last() RETURNS int LANGUAGE sql AS $$ SELECT 41 $$;');
    expect((await migrateHere()).functions).toEqual([...ALL, 'aa_first', 'zz_last'].sort());
    expect((await pool.query('SELECT aa_first() AS answer')).rows[0].answer).toBe(42);
    await writeFile(path.join(functionsDir, 'aa_first.sql'), 'CREATE FUNCTION aa_first() RETURNS int LANGUAGE sql AS $$ SELECT no_such_function() $$;');
    await expect(migrateHere()).rejects.toThrow(/^function aa_first\.sql failed: function no_such_function\(\) does not exist/);
    expect((await pool.query('SELECT aa_first() AS answer')).rows[0].answer).toBe(42);
  });

  it('a deleted file drops its function and its record', async () => {
    await migrateHere();
    await rm(path.join(functionsDir, 'offer_partner_price.sql'));
    expect(await migrateHere()).toEqual({ migrations: [], functions: [], removedFunctions: ['offer_partner_price'] });
    expect(await signatures('offer_partner_price')).toEqual([]);
    expect((await records()).map((r) => r.name)).toEqual(ALL.filter((name) => name !== 'offer_partner_price'));
  });

  it('hubs starting together apply each migration and each function once', async () => {
    const runs = await Promise.all([migrateHere(), migrateHere(), migrateHere()]);
    expect(runs.flatMap((r) => r.migrations).sort()).toEqual((await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort());
    expect(runs.flatMap((r) => r.functions).sort()).toEqual(ALL);
    expect(runs.filter((r) => r.functions.length > 0)).toHaveLength(1);
  });
});
