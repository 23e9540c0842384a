/**
 * Offers from a CSV file: the console parses the file and sends its rows in batches (so it can
 * show progress). Each row becomes the body of PUT /offers/:id, with optionally its product's
 * details (as POST /products takes them) and its servers (as PUT /offers/:id/servers), each part
 * validated by its route's schema; the row is saved in one transaction, and a row that fails is
 * reported with its line and field.
 */
import { CreateProduct, ErrorResponses, ImportOffers, OffersImported, SetServers, UpsertOffer } from '@dropgate/contract';
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { Actor } from '../../modules/audit-log/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { upsertOfferFromWire, type OfferExtras } from './catalog.ts';

const OFFER_COLUMNS = ['id', 'productId', 'productName', 'offerName', 'price', 'currency', 'count', 'returnsKey', 'requiresGameUserId', 'merchants', 'commission'] as const;
const PRODUCT_COLUMNS = ['category', 'platformCode', 'platformName', 'regionCode', 'regionName', 'regionalLimitations', 'excludedCountryCodes'] as const;
/** The CSV columns, as named in the header row: the offer's, its product's details, its servers. */
export const OFFER_CSV_COLUMNS = [...OFFER_COLUMNS, ...PRODUCT_COLUMNS, 'servers'] as const;

const ProductDetailsBody = Type.Omit(CreateProduct, ['name']);

interface Problem {
  field: string;
  message: string;
}

interface Rejected extends Problem {
  line: number;
}

/** A row as the three bodies it stands for. */
interface RowBodies {
  offer: Record<string, unknown>;
  productDetails: Record<string, unknown>;
  servers: Record<string, string> | undefined;
}

export function offerImportRoutes(app: TypedApp, hub: Hub): void {
  app.post('/offers/import', {
    config: { access: 'catalog' },
    schema: { body: ImportOffers, response: { 200: OffersImported, ...ErrorResponses }, summary: 'Creates or replaces offers from CSV rows; answers the rows it rejected' },
  }, async (request) => {
    let imported = 0;
    const rejected: Rejected[] = [];
    const actor = actorOf(request);
    for (const row of request.body.rows) {
      const problem = await importRow(hub, row.fields, actor);
      if (problem) rejected.push({ line: row.line, ...problem });
      else imported += 1;
    }
    return { imported, rejected };
  });
}

async function importRow(hub: Hub, fields: Record<string, string>, actor: Actor): Promise<Problem | undefined> {
  const unknown = Object.keys(fields).find((name) => !(OFFER_CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown) return { field: unknown, message: `is not a column (${OFFER_CSV_COLUMNS.join(', ')})` };
  const id = Number(fields.id);
  if (!/^[1-9]\d{0,15}$/.test(fields.id?.trim() ?? '')) return { field: 'id', message: 'must be a positive whole number' };
  const converted = toBodies(fields);
  if ('problem' in converted) return converted.problem;
  const { offer, productDetails, servers } = converted.bodies;
  const invalid = firstError(UpsertOffer, offer) ?? firstError(ProductDetailsBody, productDetails)
    ?? (servers === undefined ? undefined : firstError(SetServers, { servers }));
  if (invalid) return invalid;
  const extras: OfferExtras = { productDetails: productDetails as OfferExtras['productDetails'], ...(servers && { servers }) };
  try {
    await upsertOfferFromWire(hub, id, offer as UpsertOffer, actor, extras);
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { field: String(error.details.field ?? 'row'), message: error.message };
  }
}

/** The first schema error, named by its top-level field. */
function firstError(schema: TSchema, body: unknown): Problem | undefined {
  const error = Value.Errors(schema, body).First();
  if (!error) return undefined;
  return { field: error.path.split('/').filter(Boolean)[0] ?? 'row', message: error.message };
}

/** CSV text to the JSON bodies the routes take; empty cells are left out (a product detail left empty is unchanged). */
function toBodies(fields: Record<string, string>): { bodies: RowBodies } | { problem: Problem } {
  const bodies: RowBodies = { offer: {}, productDetails: {}, servers: undefined };
  for (const [name, raw] of Object.entries(fields)) {
    const value = raw.trim();
    if (name === 'id' || value === '') continue;
    const problem = (problemText: string): { problem: Problem } => ({ problem: { field: name, message: problemText } });
    if (name === 'count' || name === 'productId') {
      if (!/^\d+$/.test(value)) return problem('must be a whole number');
      bodies.offer[name] = Number(value);
    } else if (name === 'returnsKey' || name === 'requiresGameUserId') {
      if (!/^(true|false|yes|no|1|0)$/i.test(value)) return problem('must be true or false');
      bodies.offer[name] = /^(true|yes|1)$/i.test(value);
    } else if (name === 'merchants') {
      if (value.toLowerCase() === 'all') bodies.offer.merchants = 'all';
      else if (/^\d+(\s*;\s*\d+)*$/.test(value)) bodies.offer.merchants = value.split(';').map((id) => Number(id.trim()));
      else return problem('must be "all" or merchant ids separated by ";"');
    } else if (name === 'excludedCountryCodes') {
      bodies.productDetails.excludedCountryCodes = value.split(/[;,]/).map((code) => code.trim()).filter(Boolean);
    } else if (name === 'servers') {
      const servers = parseServers(value);
      if (!servers) return problem('must be ID=NAME pairs separated by ";", e.g. 2010=Asia;2011=Europe');
      bodies.servers = servers;
    } else if ((PRODUCT_COLUMNS as readonly string[]).includes(name)) {
      bodies.productDetails[name] = value;
    } else {
      bodies.offer[name] = value;
    }
  }
  return { bodies };
}

/** "2010=Asia;2011=Europe" to {"2010": "Asia", "2011": "Europe"}; undefined when it is not that. */
function parseServers(text: string): Record<string, string> | undefined {
  const servers: Record<string, string> = {};
  for (const pair of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const [serverId, name] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    if (at < 0 || serverId === '' || name === '' || Object.hasOwn(servers, serverId)) return undefined;
    servers[serverId] = name;
  }
  return servers;
}
