/**
 * Offers from a CSV file: the console parses the file and sends its rows in batches (so it can
 * show progress); each row becomes the body of PUT /offers/:id, is validated by the same schema
 * and saved by the same function, and a row that fails is reported with its line and field.
 */
import { ErrorResponses, ImportOffers, OffersImported, UpsertOffer } from '@dropgate/contract';
import { Value } from '@sinclair/typebox/value';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { Actor } from '../../modules/audit-log/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { upsertOfferFromWire } from './catalog.ts';

/** The CSV columns, as named in the header row. */
export const OFFER_CSV_COLUMNS = ['id', 'productName', 'offerName', 'price', 'currency', 'count', 'returnsKey', 'requiresGameUserId', 'merchants', 'commission'] as const;

interface Rejected {
  line: number;
  field: string;
  message: string;
}

export function offerImportRoutes(app: TypedApp, hub: Hub): void {
  app.post('/offers/import', {
    config: { access: 'catalog' },
    schema: { body: ImportOffers, response: { 200: OffersImported, ...ErrorResponses }, summary: 'Creates or replaces offers from CSV rows; answers the rows it rejected' },
  }, async (request) => {
    let imported = 0;
    const rejected: Rejected[] = [];
    for (const row of request.body.rows) {
      const problem = await importRow(hub, row.fields, actorOf(request));
      if (problem) rejected.push({ line: row.line, ...problem });
      else imported += 1;
    }
    return { imported, rejected };
  });
}

async function importRow(hub: Hub, fields: Record<string, string>, actor: Actor): Promise<{ field: string; message: string } | undefined> {
  const unknown = Object.keys(fields).find((name) => !(OFFER_CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown) return { field: unknown, message: `is not a column (${OFFER_CSV_COLUMNS.join(', ')})` };
  const id = Number(fields.id);
  if (!/^[1-9]\d{0,15}$/.test(fields.id?.trim() ?? '')) return { field: 'id', message: 'must be a positive whole number' };
  const converted = toBody(fields);
  if ('problem' in converted) return converted.problem;
  const body = converted.body;
  const error = Value.Errors(UpsertOffer, body).First();
  if (error) {
    const field = error.path.split('/').filter(Boolean)[0] ?? 'row';
    return { field, message: error.message };
  }
  try {
    await upsertOfferFromWire(hub, id, body as never, actor);
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { field: String(error.details.field ?? 'row'), message: error.message };
  }
}

/** CSV text to the JSON body PUT /offers/:id takes; empty cells are left out. */
function toBody(fields: Record<string, string>): { body: Record<string, unknown> } | { problem: { field: string; message: string } } {
  const body: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(fields)) {
    const value = raw.trim();
    if (name === 'id' || value === '') continue;
    if (name === 'count') {
      if (!/^\d+$/.test(value)) return { problem: { field: name, message: 'must be a whole number' } };
      body.count = Number(value);
    } else if (name === 'returnsKey' || name === 'requiresGameUserId') {
      if (!/^(true|false|yes|no|1|0)$/i.test(value)) return { problem: { field: name, message: 'must be true or false' } };
      body[name] = /^(true|yes|1)$/i.test(value);
    } else if (name === 'merchants') {
      if (value.toLowerCase() === 'all') body.merchants = 'all';
      else if (/^\d+(\s*;\s*\d+)*$/.test(value)) body.merchants = value.split(';').map((id) => Number(id.trim()));
      else return { problem: { field: name, message: 'must be "all" or merchant ids separated by ";"' } };
    } else {
      body[name] = value;
    }
  }
  return { body };
}
