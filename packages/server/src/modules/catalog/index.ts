/**
 * Catalog: offers (priced in their own currency, in minor units), who may buy them, the FX rates
 * that turn an offer's price into the USD debit, and each offer's player-id formats (checked
 * when written; applied by checkout).
 */
import { CURRENCIES, type Currency } from '@dropgate/contract';
import type pg from 'pg';
import { announceChange, inTransaction, type ChangeFeed, type Tx } from '../../platform/db/index.ts';
import { TtlCache } from '../../platform/cache.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { formatMoney, type Minor } from '../../platform/money.ts';
import { recordAudit, type Actor } from '../audit-log/index.ts';
import { compilePattern } from '../../platform/patterns.ts';
import { feedPage, type FeedFilter, type FeedRow } from './feed.ts';
import * as repo from './repository.ts';

export type { Offer, OfferDefinition, FxRate, ImportedOffer, Product, ProductDetails, ProductFields } from './repository.ts';
export type { FeedFilter, FeedRow } from './feed.ts';
export { touchOffers } from './repository.ts';
/** Offers made from an upstream catalog, inside the import's transaction (modules/suppliers). */
export { insertImportedOffers, listRates, nextOfferId, productIdsByName, setPrices } from './repository.ts';
export { checkMargin, ROUNDINGS, salePrice, type Conversion, type PriceRule, type Rounding } from './pricing.ts';

/**
 * An offer as the operator writes it: under a product named by id, or by name (found, else
 * created), optionally changing the product's details given (the others kept) and replacing the
 * offer's servers, all in one transaction (a CSV row says all of it).
 */
export type OfferInput = Omit<repo.OfferDefinition, 'productId'> & {
  product: ({ id: number } | { name: string }) & { details?: Partial<repo.ProductDetails> };
  /** Replaces the offer's game servers; omitted: unchanged. */
  servers?: Record<string, string>;
};

/**
 * The catalog as request handlers use it. Offers as merchants read them (find-one,
 * check-game-data, check) come from a cache that a change to the offer evicts at once here and,
 * through the change feed, on every instance. Buying never trusts the cache for money:
 * place_order checks the price against the database.
 */
export class Catalog {
  readonly #pool: pg.Pool;
  readonly #cache = new TtlCache<number, repo.Offer>({ maxEntries: 50_000, ttlMs: 60_000 });

  readonly #onRateSet: RateListener | undefined;

  constructor(pool: pg.Pool, feed: ChangeFeed, options: { onRateSet?: RateListener } = {}) {
    this.#pool = pool;
    this.#onRateSet = options.onRateSet;
    this.#cache.reset(false); // until the feed listens, changes could be missed
    feed.on('offer', (offerId) => this.#evict(offerId));
    feed.on('product', (productId) => this.#cache.deleteWhere((offer) => offer.productId === productId));
    feed.onConnection((up) => this.#cache.reset(up));
  }

  /** The offer as this merchant sees it; one it may not buy answers OFFER_NOT_FOUND. */
  async offerFor(merchantId: number, offerId: number): Promise<repo.Offer> {
    let offer = this.#cache.get(offerId);
    if (!offer) {
      offer = await repo.findOffer(this.#pool, offerId);
      if (offer) this.#cache.set(offerId, offer);
    }
    if (!offer || !(offer.visibleToAll || offer.merchantIds.includes(merchantId))) {
      throw new AppError('OFFER_NOT_FOUND', `Offer ${offerId} not found or not available to you`);
    }
    return offer;
  }

  /** The offer as the operator sees it (any access), or OFFER_NOT_FOUND. */
  async get(offerId: number): Promise<repo.Offer> {
    const offer = await repo.findOffer(this.#pool, offerId);
    if (!offer) throw new AppError('OFFER_NOT_FOUND', `offer ${offerId} does not exist`);
    return offer;
  }

  /** The prices repricing moved the offer to, oldest first. */
  priceHistory(offerId: number): Promise<Array<{ price: Minor; currency: Currency; reason: string; changedAt: Date }>> {
    return repo.priceHistory(this.#pool, offerId);
  }

  list(): Promise<repo.Offer[]> {
    return repo.listOffers(this.#pool);
  }

  /** Offers by id matching the filter, a keyset page of `limit` (every one without a limit). */
  page(filter: repo.OfferFilter, limit: number | undefined): Promise<{ offers: repo.Offer[]; nextAfter: number | null }> {
    return repo.pageOffers(this.#pool, filter, limit);
  }

  async upsert(input: OfferInput, access: number[] | 'all' | undefined, actor: Actor): Promise<repo.Offer> {
    const offer = await upsertOffer(this.#pool, input, access, actor);
    this.#evict(offer.id);
    if (hasDetails(input.product.details)) this.#cache.deleteWhere((cached) => cached.productId === offer.productId);
    return offer;
  }

  /** Replaces an offer's game servers (id → name; {} for none). */
  async setServers(offerId: number, servers: Record<string, string>, actor: Actor): Promise<repo.Offer> {
    const offer = await inTransaction(this.#pool, async (tx) => {
      const current = await repo.findOffer(tx, offerId);
      if (!current) throw new AppError('OFFER_NOT_FOUND', `offer ${offerId} does not exist`);
      if (current.sandbox) throw invalidField('offerId', 'the sandbox offer accepts every player and lists no servers');
      await repo.replaceServers(tx, offerId, servers);
      await announceChange(tx, 'offer', offerId);
      const saved = (await repo.findOffer(tx, offerId))!;
      await recordAudit(tx, actor, {
        action: 'offer.servers', target: { type: 'offer', id: offerId }, before: { servers: serverList(current.servers) }, after: { servers: serverList(saved.servers) },
      });
      return saved;
    });
    this.#evict(offerId);
    return offer;
  }

  /** One merchant's page of the catalog feed (sync). */
  feed(filter: FeedFilter, page: { offset: number; limit: number }): Promise<{ total: number; rows: FeedRow[] }> {
    return feedPage(this.#pool, filter, page);
  }

  // ---- products ----

  async product(id: number): Promise<repo.Product> {
    const product = await repo.findProduct(this.#pool, id);
    if (!product) throw new AppError('PRODUCT_NOT_FOUND', `product ${id} does not exist`);
    return product;
  }

  products(filter: { search?: string | undefined; after?: number | undefined }, limit: number): Promise<{ products: repo.Product[]; nextAfter: number | null }> {
    return repo.listProducts(this.#pool, filter, limit);
  }

  createProduct(fields: repo.ProductFields, actor: Actor): Promise<repo.Product> {
    return createProduct(this.#pool, fields, actor);
  }

  /** Changes a product; its offers changed with it (caches, the catalog feed). */
  async updateProduct(id: number, fields: repo.ProductFields, actor: Actor): Promise<repo.Product> {
    const product = await inTransaction(this.#pool, async (tx) => {
      if (id === STARS_PRODUCT_ID) throw invalidField('id', 'the Telegram Stars product is configured by the hub');
      const before = await repo.findProduct(tx, id);
      const updated = before && await repo.updateProduct(tx, id, checkProduct(fields));
      if (!updated) throw new AppError('PRODUCT_NOT_FOUND', `product ${id} does not exist`);
      await announceChange(tx, 'product', id);
      await recordAudit(tx, actor, { action: 'product.update', target: { type: 'product', id }, before: productSnapshot(before), after: productSnapshot(updated) });
      return updated;
    });
    this.#cache.deleteWhere((offer) => offer.productId === id);
    return product;
  }

  async setMerchantAccess(offerId: number, merchantId: number, allowed: boolean, actor: Actor): Promise<repo.Offer> {
    const offer = await setMerchantAccess(this.#pool, offerId, merchantId, allowed, actor);
    this.#evict(offerId);
    return offer;
  }

  setMerchantCommission(offerId: number, merchantId: number, percent: string | null, actor: Actor): Promise<void> {
    return setMerchantCommission(this.#pool, offerId, merchantId, percent, actor);
  }

  /** One merchant's commission overrides, by offer. */
  merchantCommissions(merchantId: number): Promise<Array<{ offerId: number; percent: string }>> {
    return repo.listMerchantCommissions(this.#pool, merchantId);
  }

  /** The CodeGames partner price for this merchant (offer_partner_price: one definition). */
  partnerPrice(offerId: number, merchantId: number): Promise<Minor> {
    return repo.partnerPrice(this.#pool, offerId, merchantId);
  }

  rates(): Promise<repo.FxRate[]> {
    return repo.listRates(this.#pool);
  }

  setRate(currency: string, usdPerUnit: string, actor: Actor): Promise<repo.FxRate> {
    return setRate(this.#pool, currency, usdPerUnit, actor, this.#onRateSet);
  }

  #evict(offerId: number): void {
    this.#cache.deleteWhere((_, id) => id === offerId);
  }
}

/**
 * What the audit trail records of an offer: its terms, price as a decimal, its product as it reads
 * it (an offer written by a CSV row may change its product too), servers and who may buy it.
 */
function offerSnapshot(offer: repo.Offer): Record<string, unknown> {
  const { updatedAt: _updatedAt, merchantIds, visibleToAll, price, servers, ...terms } = offer;
  return { ...terms, price: formatMoney(price), servers: serverList(servers), merchants: visibleToAll ? 'all' : merchantIds };
}

/**
 * Servers as a list: their ids are the operator's words, and one such as "code" must not read to
 * the trail as a secret's field.
 */
function serverList(servers: Record<string, string>): Array<{ id: string; name: string }> {
  return Object.entries(servers).map(([id, name]) => ({ id, name }));
}

function productSnapshot(product: repo.Product): Record<string, unknown> {
  const { updatedAt: _updatedAt, ...fields } = product;
  return fields;
}

export async function createProduct(pool: pg.Pool, fields: repo.ProductFields, actor: Actor): Promise<repo.Product> {
  const checked = checkProduct(fields);
  return inTransaction(pool, async (tx) => {
    const product = await repo.insertProduct(tx, checked);
    await recordAudit(tx, actor, { action: 'product.create', target: { type: 'product', id: product.id }, before: null, after: productSnapshot(product) });
    return product;
  });
}

/** The product behind every telegram_stars_<N> (migration 0008). */
const STARS_PRODUCT_ID = 0;

export async function upsertOffer(
  pool: pg.Pool,
  input: OfferInput,
  access: number[] | 'all' | undefined,
  actor: Actor,
): Promise<repo.Offer> {
  const { product, servers, ...definition } = input;
  for (const [field, pattern] of [['gameUserIdPattern', definition.gameUserIdPattern], ['gameServerIdPattern', definition.gameServerIdPattern]] as const) {
    if (pattern !== null) compilePattern(pattern, field);
  }
  if (definition.commissionPercent !== undefined) checkPercent(definition.commissionPercent, 'commission');
  return inTransaction(pool, async (tx) => {
    const existing = await repo.findOffer(tx, definition.id);
    if (existing?.sandbox) throw invalidField('id', `offer ${definition.id} is the sandbox offer and cannot be changed`);
    const productId = await productFor(tx, product);
    await repo.upsertOffer(tx, { ...definition, productId });
    if (servers !== undefined) await repo.replaceServers(tx, definition.id, servers);
    if (access !== undefined) {
      try {
        await repo.replaceAccess(tx, definition.id, access);
      } catch (error) {
        // offer_access references merchants: an unknown id is the operator's mistake, not an outage.
        if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw error;
        const id = /\(merchant_id\)=\((\d+)\)/.exec((error as { detail?: string }).detail ?? '')?.[1];
        throw new AppError('MERCHANT_NOT_FOUND', `merchants: merchant ${id ?? '(one of them)'} does not exist`);
      }
    }
    await announceChange(tx, 'offer', definition.id);
    const saved = (await repo.findOffer(tx, definition.id))!;
    await recordAudit(tx, actor, {
      action: 'offer.upsert', target: { type: 'offer', id: saved.id }, before: existing ? offerSnapshot(existing) : null, after: offerSnapshot(saved),
    });
    return saved;
  });
}

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * The product an offer is written under: by id (it must exist), or by name (found, else created).
 * Details given change that product (created with them), and its offers change with it.
 */
async function productFor(tx: Tx, product: OfferInput['product']): Promise<number> {
  const details = given(product.details);
  if ('id' in product) {
    const found = product.id === STARS_PRODUCT_ID ? undefined : await repo.findProduct(tx, product.id);
    if (!found) throw new AppError('PRODUCT_NOT_FOUND', `product ${product.id} does not exist`);
    return withDetails(tx, found, details);
  }
  const found = await repo.findProductByName(tx, product.name);
  if (found && found.id !== STARS_PRODUCT_ID) return withDetails(tx, found, details);
  return (await repo.insertProduct(tx, checkProduct({ ...NO_PRODUCT_DETAILS, ...details, name: product.name }))).id;
}

/** Changes the details given of a product, keeping the others; its offers change with it. */
async function withDetails(tx: Tx, product: repo.Product, details: Partial<repo.ProductDetails>): Promise<number> {
  if (!hasDetails(details)) return product.id;
  const { id, updatedAt: _updatedAt, ...current } = product;
  await repo.updateProduct(tx, id, checkProduct({ ...current, ...details }));
  await announceChange(tx, 'product', id);
  return id;
}

/** The details actually given (an undefined one is not a change). */
function given(details: Partial<repo.ProductDetails> | undefined): Partial<repo.ProductDetails> {
  return Object.fromEntries(Object.entries(details ?? {}).filter(([, value]) => value !== undefined));
}

function hasDetails(details: Partial<repo.ProductDetails> | undefined): boolean {
  return Object.keys(given(details)).length > 0;
}

const NO_PRODUCT_DETAILS: repo.ProductDetails = {
  category: null, platformCode: null, platformName: null, regionCode: null, regionName: null, regionalLimitations: null, excludedCountryCodes: [],
};

const COUNTRY = /^[A-Za-z]{2}$/;

/** Country codes upper case, once each; anything else than ISO alpha-2 is bad input. */
function checkProduct(fields: repo.ProductFields): repo.ProductFields {
  const codes = fields.excludedCountryCodes.map((code) => {
    if (!COUNTRY.test(code)) throw invalidField('excludedCountryCodes', `"${code}" is not an ISO 3166-1 alpha-2 country code`);
    return code.toUpperCase();
  });
  return { ...fields, excludedCountryCodes: [...new Set(codes)].sort() };
}

const RATE = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,12})?$/;

/**
 * What else moves with a rate, in the transaction that sets it (the offers priced from a cost:
 * modules/suppliers, given at start-up, since suppliers build on the catalog).
 */
export type RateListener = (tx: Tx, currency: Currency, usdPerUnit: string) => Promise<unknown>;

/** Sets how many USD one unit of `currency` is worth; USD itself is fixed at 1. */
export async function setRate(pool: pg.Pool, currency: string, usdPerUnit: string, actor: Actor, onRateSet?: RateListener): Promise<repo.FxRate> {
  if (!CURRENCIES.includes(currency as Currency)) throw invalidField('currency', `must be one of ${CURRENCIES.join(', ')}`);
  if (currency === 'USD') throw invalidField('currency', 'USD is the base currency; its rate is always 1');
  if (!RATE.test(usdPerUnit) || Number(usdPerUnit) <= 0) {
    throw invalidField('usdPerUnit', `"${usdPerUnit}" is not a positive decimal with at most 12 decimals`);
  }
  return inTransaction(pool, async (tx) => {
    const before = await repo.findRate(tx, currency as Currency);
    const rate = await repo.upsertRate(tx, currency as Currency, usdPerUnit);
    await onRateSet?.(tx, currency as Currency, rate.usdPerUnit);
    await recordAudit(tx, actor, {
      action: 'fx.set', target: { type: 'currency', id: currency }, before: before ? { usdPerUnit: before.usdPerUnit } : null, after: { usdPerUnit: rate.usdPerUnit },
    });
    return rate;
  });
}

const PERCENT = /^(?:[0-9]|[1-9][0-9])(?:\.[0-9]{1,2})?$/;

function checkPercent(percent: string, field: string): void {
  if (!PERCENT.test(percent)) throw invalidField(field, `"${percent}" is not a percentage from 0 to 99.99 with at most 2 decimals`);
}

/** One merchant's commission on one offer, overriding the offer's; null removes the override. */
async function setMerchantCommission(pool: pg.Pool, offerId: number, merchantId: number, percent: string | null, actor: Actor): Promise<void> {
  if (percent !== null) checkPercent(percent, 'commission');
  if (!(await repo.findOffer(pool, offerId))) throw new AppError('OFFER_NOT_FOUND', `offer ${offerId} does not exist`);
  try {
    await inTransaction(pool, async (tx) => {
      const before = await repo.findMerchantCommission(tx, offerId, merchantId);
      await repo.setMerchantCommission(tx, offerId, merchantId, percent);
      await recordAudit(tx, actor, {
        action: 'offer.commission', target: { type: 'offer', id: offerId }, before: { merchantId, percent: before }, after: { merchantId, percent },
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23503') throw new AppError('MERCHANT_NOT_FOUND', `merchant ${merchantId} does not exist`);
    throw error;
  }
}

/**
 * Lets one merchant buy an offer, or stops it. Stopping one merchant on an offer visible to all
 * turns it into an explicit list of every other merchant (merchants created later will not see
 * it until allowed). Returns the offer as it is now.
 */
async function setMerchantAccess(pool: pg.Pool, offerId: number, merchantId: number, allowed: boolean, actor: Actor): Promise<repo.Offer> {
  const offer = await inTransaction(pool, async (tx) => {
    const current = await repo.findOffer(tx, offerId);
    if (!current) throw new AppError('OFFER_NOT_FOUND', `offer ${offerId} does not exist`);
    if (current.sandbox) throw invalidField('offerId', 'the sandbox offer is visible to every merchant');
    const everyone = await repo.allMerchantIds(tx);
    if (!everyone.includes(merchantId)) throw new AppError('MERCHANT_NOT_FOUND', `merchant ${merchantId} does not exist`);
    const listed = current.visibleToAll ? everyone : current.merchantIds;
    const next = allowed ? [...new Set([...listed, merchantId])] : listed.filter((id) => id !== merchantId);
    const merchants = (offer: repo.Offer) => ({ merchants: offer.visibleToAll ? 'all' : offer.merchantIds });
    if (!(allowed && current.visibleToAll)) {
      await repo.replaceAccess(tx, offerId, next);
      await announceChange(tx, 'offer', offerId);
    }
    const saved = (await repo.findOffer(tx, offerId))!;
    await recordAudit(tx, actor, { action: 'offer.access', target: { type: 'offer', id: offerId }, before: merchants(current), after: { ...merchants(saved), merchantId, allowed } });
    return saved;
  });
  return offer;
}
