/** CSV for spreadsheets (the cabinet's transactions, the audit trail): RFC 4180 quoting, CRLF rows. */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** One cell: quoted when it needs it; a leading =, +, - or @ would run as a formula in a spreadsheet. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const safe = /^[=+@\t\r-]/.test(text) && !/^-\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One row of the given columns, CRLF-terminated. */
export function csvRow(columns: readonly string[], row: Record<string, unknown>): string {
  return `${columns.map((c) => csvCell(row[c])).join(',')}\r\n`;
}

/**
 * A whole keyset-paged list as a CSV stream: a header row, then page after page as the client
 * reads, so a long history never sits in memory.
 */
export function csvStream<T>(
  columns: readonly string[],
  page: (before: number | undefined) => Promise<{ rows: T[]; nextBefore: number | null }>,
  toRow: (item: T) => Record<string, unknown>,
): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield `${columns.join(',')}\r\n`;
    let before: number | undefined;
    do {
      const next = await page(before);
      yield next.rows.map((item) => csvRow(columns, toRow(item))).join('');
      before = next.nextBefore ?? undefined;
    } while (before !== undefined);
  }
  return Readable.from(lines());
}

/** Sends a CSV stream as a download named `filename`. */
export function sendCsv(reply: FastifyReply, filename: string, csv: Readable): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(csv);
}
