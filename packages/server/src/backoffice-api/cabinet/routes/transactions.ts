import { Readable } from 'node:stream';
import {
  CabinetTransactionsCsv, CabinetTransactionsCsvQuery, CabinetTransactionsPage, CabinetTransactionsQuery, ErrorResponses, TransactionFilter,
} from '@dropgate/contract';
import { Type, type Static } from '@sinclair/typebox';
import type { Hub } from '../../../hub.ts';
import type { EntryFilter, LedgerEntry } from '../../../modules/ledger/index.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { entryOut } from '../../../operator-api/index.ts';
import { merchantOf } from '../merchant-of.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const FilterSchema = Type.Object(TransactionFilter);
/** The CSV is streamed: typed as the stream the handler sends, documented as the contract's text. */
const CsvStream = Type.Unsafe<Readable>(CabinetTransactionsCsv);

function entryFilter(query: Static<typeof FilterSchema>): EntryFilter {
  return {
    type: query.type as EntryFilter['type'],
    orderId: query.orderId,
    from: query.from === undefined ? undefined : new Date(`${query.from}T00:00:00.000Z`),
    // "to" names a day that is included: entries before the next midnight.
    to: query.to === undefined ? undefined : new Date(Date.parse(`${query.to}T00:00:00.000Z`) + DAY_MS),
  };
}

const CSV_COLUMNS = ['id', 'createdAt', 'type', 'amount', 'balanceAfter', 'orderId', 'description'] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote what needs it; a leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+@\t\r-]/.test(text) && !/^-\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The ledger, for reconciliation: pages to read, and the whole filtered list as CSV. */
export function transactionRoutes(app: TypedApp, hub: Hub): void {
  app.get('/transactions', {
    schema: {
      querystring: CabinetTransactionsQuery, response: { 200: CabinetTransactionsPage, ...ErrorResponses },
      summary: 'Your ledger entries, newest first, a keyset page at a time',
    },
  }, async (request) => {
    const { merchantId } = merchantOf(request);
    const { before, limit = 50 } = request.query;
    const page = await hub.ledger.entriesPage(merchantId, { ...entryFilter(request.query), before }, limit);
    return { transactions: page.entries.map(entryOut), nextBefore: page.nextBefore };
  });

  app.get('/transactions.csv', {
    schema: {
      querystring: CabinetTransactionsCsvQuery,
      // Streamed as text, so never serialised: the schema documents the answer.
      response: { 200: { content: { 'text/csv': { schema: CsvStream } } }, ...ErrorResponses },
      summary: 'Your ledger entries as CSV (same filters), streamed',
    },
  }, async (request, reply) => {
    const { merchantId } = merchantOf(request);
    const filter = entryFilter(request.query);
    async function* rows(): AsyncGenerator<string> {
      yield `${CSV_COLUMNS.join(',')}\r\n`;
      let before: number | undefined;
      do {
        const page = await hub.ledger.entriesPage(merchantId, { ...filter, before }, 1000);
        yield page.entries.map((e: LedgerEntry) => `${CSV_COLUMNS.map((c) => csvCell(entryOut(e)[c])).join(',')}\r\n`).join('');
        before = page.nextBefore ?? undefined;
      } while (before !== undefined);
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="dropgate-transactions-${merchantId}.csv"`)
      .send(Readable.from(rows()));
  });
}
