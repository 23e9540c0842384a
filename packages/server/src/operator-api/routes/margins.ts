import { Readable } from 'node:stream';
import { ErrorResponses, MarginsCsv, MarginsQuery, MarginsReport, type MarginRow } from '@dropgate/contract';
import { Type } from '@sinclair/typebox';
import type { Hub } from '../../hub.ts';
import type { MarginRow as StoredMarginRow } from '../../modules/orders/index.ts';
import { csvRow, sendCsv } from '../../platform/http/csv.ts';
import { dayRange } from '../../platform/http/days.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { formatMoney } from '../../platform/money.ts';

/** The CSV is sent as a stream: typed as what the handler sends, documented as the contract's text. */
const CsvStream = Type.Unsafe<Readable>(MarginsCsv);
const CSV_COLUMNS = ['key', 'orders', 'revenueUsd', 'costUsd', 'marginUsd'] as const;

/** Margins of the orders suppliers fulfilled, per supplier, product or day, as JSON and as CSV. */
export function marginRoutes(app: TypedApp, hub: Hub): void {
  const report = async (query: { by: 'supplier' | 'product' | 'day'; from?: string | undefined; to?: string | undefined }) =>
    (await hub.orders.margins(query.by, dayRange(query.from, query.to))).map(marginOut);

  app.get('/reports/margins', {
    config: { access: 'reports' },
    schema: { querystring: MarginsQuery, response: { 200: MarginsReport, ...ErrorResponses }, summary: 'Revenue, supplier cost and margin (USD) of completed supplier orders, grouped' },
  }, async (request) => ({ rows: await report(request.query) }));

  app.get('/reports/margins.csv', {
    config: { access: 'reports' },
    schema: {
      querystring: MarginsQuery, response: { 200: { content: { 'text/csv': { schema: CsvStream } } }, ...ErrorResponses },
      summary: 'The same margins as CSV',
    },
  }, async (request, reply) => {
    const rows = await report(request.query);
    const csv = Readable.from([`${CSV_COLUMNS.join(',')}\r\n`, ...rows.map((row) => csvRow(CSV_COLUMNS, { ...row }))]);
    return sendCsv(reply, `dropgate-margins-by-${request.query.by}.csv`, csv);
  });
}

function marginOut(row: StoredMarginRow): MarginRow {
  return { key: row.key, orders: row.orders, revenueUsd: formatMoney(row.revenueUsd), costUsd: formatMoney(row.costUsd), marginUsd: formatMoney(row.marginUsd) };
}
