import { Readable } from 'node:stream';
import {
  CabinetTransactionsCsv, CabinetTransactionsCsvQuery, CabinetTransactionsPage, CabinetTransactionsQuery, ErrorResponses, TransactionFilter,
} from '@dropgate/contract';
import { Type, type Static } from '@sinclair/typebox';
import type { Hub } from '../../../hub.ts';
import type { EntryFilter, LedgerEntry } from '../../../modules/ledger/index.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { entryOut } from '../../../operator-api/index.ts';
import { csvStream, sendCsv } from '../../../platform/http/csv.ts';
import { dayRange } from '../../../platform/http/days.ts';
import { merchantOf } from '../merchant-of.ts';

const FilterSchema = Type.Object(TransactionFilter);
/** The CSV is streamed: typed as the stream the handler sends, documented as the contract's text. */
const CsvStream = Type.Unsafe<Readable>(CabinetTransactionsCsv);

function entryFilter(query: Static<typeof FilterSchema>): EntryFilter {
  return { type: query.type as EntryFilter['type'], orderId: query.orderId, ...dayRange(query.from, query.to) };
}

const CSV_COLUMNS = ['id', 'createdAt', 'type', 'amount', 'balanceAfter', 'orderId', 'description'] as const;

/** The ledger, for reconciliation: pages to read, and the whole filtered list as CSV. */
export function transactionRoutes(app: TypedApp, hub: Hub): void {
  app.get('/transactions', {
    config: { access: 'merchant.money' },
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
    config: { access: 'merchant.money' },
    schema: {
      querystring: CabinetTransactionsCsvQuery,
      // Streamed as text, so never serialised: the schema documents the answer.
      response: { 200: { content: { 'text/csv': { schema: CsvStream } } }, ...ErrorResponses },
      summary: 'Your ledger entries as CSV (same filters), streamed',
    },
  }, async (request, reply) => {
    const { merchantId } = merchantOf(request);
    const filter = entryFilter(request.query);
    const csv = csvStream(CSV_COLUMNS, async (before) => {
      const page = await hub.ledger.entriesPage(merchantId, { ...filter, before }, 1000);
      return { rows: page.entries, nextBefore: page.nextBefore };
    }, (entry: LedgerEntry) => entryOut(entry));
    return sendCsv(reply, `dropgate-transactions-${merchantId}.csv`, csv);
  });
}
