/**
 * The catalog feed at size: N offers (SQL-seeded straight into the bench's database, under 1,000
 * products in 10 categories), then POST /api/v1/offers/sync of page 1 and of the last page of
 * 1,000 rows, each under the same load. The feed counts and pages over the matching ids alone,
 * so the last page should cost what the first does: the report prints their latency side by side.
 */
import pg from 'pg';
import type { CpuSubjects } from './cpu.ts';
import { httpScenario, type HttpFigures } from './http-load.ts';

/** Offer ids of the feed scenario: far above the seed's and the tests' ranges. */
const FIRST_OFFER_ID = 3_000_000_000;
export const FEED_PAGE = 1000;

export interface FeedFigures {
  offers: number;
  first: HttpFigures;
  last: HttpFigures;
  /** The last page's p50 over the first page's: 1.0 is flat. */
  lastOverFirstP50: number;
}

export async function feedScenario(options: {
  url: string;
  databaseUrl: string;
  token: string;
  offers: number;
  connections: number;
  seconds: number;
  cpu: CpuSubjects & { hubPid: number };
}): Promise<FeedFigures> {
  await seedCatalog(options.databaseUrl, options.offers);
  const pages = Math.ceil(options.offers / FEED_PAGE);
  const run = (page: number) => httpScenario({
    scenario: `sync, page ${page} of ${pages} (${FEED_PAGE} rows, ${options.offers} offers)`,
    method: 'POST', path: '/api/v1/offers/sync',
    callers: [{ token: options.token, body: JSON.stringify({ limit: FEED_PAGE, page }) }],
    mustContain: '"rows":[{',
    url: options.url, connections: options.connections, seconds: options.seconds, cpu: options.cpu,
  });
  const first = await run(1);
  const last = await run(pages);
  return { offers: options.offers, first, last, lastOverFirstP50: last.p50 / first.p50 };
}

async function seedCatalog(databaseUrl: string, offers: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO products (name, category, region_code, region_name)
       SELECT 'Feed Game ' || g, 'Feed ' || (g % 10), 'GLB', 'Global' FROM generate_series(1, 1000) g RETURNING id`,
    );
    await client.query(
      `INSERT INTO offers (id, product_id, offer_name, price, currency)
       SELECT $1::bigint + g, ($2::bigint[])[1 + g % 1000], 'Pack ' || g, 100 + g % 5000, 'USD' FROM generate_series(0, $3 - 1) g`,
      [FIRST_OFFER_ID, rows.map((r) => r.id), offers],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE products; ANALYZE offers');
  } finally {
    await client.end();
  }
}
