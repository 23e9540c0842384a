import type { Readable } from 'node:stream';
import { AuditLogCsv, AuditLogCsvQuery, AuditLogFilter, AuditLogPage, AuditLogQuery, ErrorResponses } from '@dropgate/contract';
import { Type, type Static } from '@sinclair/typebox';
import type { Hub } from '../../hub.ts';
import type { AuditEntry, AuditFilter } from '../../modules/audit-log/index.ts';
import { csvStream, sendCsv } from '../../platform/http/csv.ts';
import { dayRange } from '../../platform/http/days.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { auditEntryOut } from '../present-team.ts';

const FilterSchema = Type.Object(AuditLogFilter);
/** The CSV is streamed: typed as the stream the handler sends, documented as the contract's text. */
const CsvStream = Type.Unsafe<Readable>(AuditLogCsv);
const CSV_COLUMNS = ['id', 'at', 'actor', 'actorKind', 'actorName', 'merchantId', 'ip', 'action', 'targetType', 'targetId', 'before', 'after'] as const;

function filterOf(query: Static<typeof FilterSchema>): AuditFilter {
  const { from, to, ...equal } = query;
  return { ...equal, ...dayRange(from, to) };
}

/** The audit trail: who did what, when, from where, before and after; filtered, paged, or as CSV. */
export function auditLogRoutes(app: TypedApp, hub: Hub): void {
  app.get('/audit-log', {
    config: { access: 'audit-trail' },
    schema: { querystring: AuditLogQuery, response: { 200: AuditLogPage, ...ErrorResponses }, summary: 'The audit trail, newest first, a keyset page at a time' },
  }, async (request) => {
    const { before, limit = 50, ...filter } = request.query;
    const page = await hub.auditLog.list(filterOf(filter), { before, limit });
    return { entries: page.entries.map(auditEntryOut), nextBefore: page.nextBefore };
  });

  app.get('/audit-log.csv', {
    config: { access: 'audit-trail' },
    schema: {
      querystring: AuditLogCsvQuery,
      // Streamed as text, so never serialised: the schema documents the answer.
      response: { 200: { content: { 'text/csv': { schema: CsvStream } } }, ...ErrorResponses },
      summary: 'The audit trail as CSV (same filters), streamed',
    },
  }, async (request, reply) => {
    const filter = filterOf(request.query);
    const csv = csvStream(CSV_COLUMNS, async (before) => {
      const page = await hub.auditLog.list(filter, { before, limit: 1000 });
      return { rows: page.entries, nextBefore: page.nextBefore };
    }, (entry: AuditEntry) => auditEntryOut(entry));
    return sendCsv(reply, 'dropgate-audit-log.csv', csv);
  });
}
