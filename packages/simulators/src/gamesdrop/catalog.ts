/**
 * The GamesDrop simulator's catalog: the offers given, then (optionally) a generated catalog of
 * any size for benchmarks. A generated offer is computed from its index when it is read, so a
 * catalog of 100,000 costs nothing until its offers are bought: only those keep a key stock.
 */
import type { Currency, Product } from '@dropgate/contract';
import { KeyStock } from '../key-stock.ts';
import { generatedOffer, GENERATED_FIRST_ID } from './generated.ts';

/** What a product says of its offers: the live service's catalog fields, as the contract names them. */
export type GamesDropProductFields = Omit<Product, 'id' | 'name' | 'updatedAt'>;

export interface GamesDropOfferOptions extends Partial<GamesDropProductFields> {
  offerId: number;
  productName: string;
  offerName: string;
  /** In the offer's currency; create-order must send exactly this (to the cent). */
  price: number;
  currency: Currency;
  /** The keys to sell, or how many to generate. Default: 100 generated. */
  keys?: string[] | number;
  /** The product the offer belongs to. Default: one per distinct productName, numbered from 1 in order. */
  productId?: number;
  /** The game servers a player may be on, id to name. Default: none. */
  servers?: Record<string, string>;
}

/** An offer without its stock: what a generated offer is computed into. */
export interface GamesDropOfferFields extends GamesDropProductFields {
  offerId: number;
  productId: number;
  productName: string;
  offerName: string;
  price: number;
  currency: Currency;
  servers: Record<string, string>;
}

export interface GamesDropOffer extends GamesDropOfferFields {
  stock: KeyStock;
}

/** A scripted change of a given offer: a new price, a new stock, taken off the catalog or back on. */
export interface GamesDropOfferChange {
  price?: number;
  keys?: number;
  listed?: boolean;
}

/** The sync filters, applied as the hub applies them: category equal, search contained, any case. */
export interface CatalogFilter {
  category?: string | undefined;
  search?: string | undefined;
}

/** The spec's example offer 1001, and a USD one so tests can fault one and not the other. */
export const DEFAULT_GAMESDROP_OFFERS: GamesDropOfferOptions[] = [
  { offerId: 1001, productName: 'PUBG MOBILE GIFT', offerName: '60 UC', price: 560.1, currency: 'RUB', category: 'Top Up', regionCode: 'GLB', regionName: 'Global' },
  {
    offerId: 1002, productName: 'Steam Wallet', offerName: '10 USD', price: 10, currency: 'USD',
    category: 'Gift Card', platformCode: 'steam', platformName: 'Steam', regionCode: 'US', regionName: 'United States',
  },
];

const KEYS_PER_OFFER = 100;

export class GamesDropCatalog {
  /** The given offers, in offerId order. */
  readonly #given: GamesDropOffer[];
  readonly #byId: Map<number, GamesDropOffer>;
  readonly #generated: number;
  /** Stocks of the generated offers that were read to be sold (the others are still full). */
  readonly #generatedStock = new Map<number, KeyStock>();
  /** Given offers taken off the catalog by a scripted change: not listed, not sold. */
  readonly #unlisted = new Set<number>();
  /** Generated offers taken off, by index, in order (pages skip them). */
  readonly #unlistedGenerated: number[] = [];
  /** Generated offers whose price a scripted change moved. */
  readonly #generatedPrice = new Map<number, number>();

  constructor(offers: GamesDropOfferOptions[], generated = 0) {
    if (!Number.isInteger(generated) || generated < 0) throw new TypeError('generatedOffers: must be a whole number >= 0');
    this.#generated = generated;
    this.#given = buildOffers(offers, generated > 0).sort((a, b) => a.offerId - b.offerId);
    this.#byId = new Map(this.#given.map((offer) => [offer.offerId, offer]));
  }

  get size(): number {
    return this.#given.length + this.#generated;
  }

  has(offerId: number): boolean {
    return this.#byId.has(offerId) || this.#generatedIndex(offerId) !== undefined;
  }

  /** Scripts a change of an offer (given or generated), seen by every call from now on. */
  change(offerId: number, change: GamesDropOfferChange): void {
    const index = this.#generatedIndex(offerId);
    if (index !== undefined) return this.#changeGenerated(offerId, index, change);
    const offer = this.#byId.get(offerId);
    if (!offer) throw new TypeError(`change: no offer ${offerId} in this simulator`);
    if (change.price !== undefined) offer.price = change.price;
    if (change.keys !== undefined) offer.stock = new KeyStock(change.keys, 'GD');
    if (change.listed === false) this.#unlisted.add(offerId);
    if (change.listed === true) this.#unlisted.delete(offerId);
  }

  #changeGenerated(offerId: number, index: number, change: GamesDropOfferChange): void {
    if (change.price !== undefined) this.#generatedPrice.set(offerId, change.price);
    if (change.keys !== undefined) this.#generatedStock.set(offerId, new KeyStock(change.keys, 'GD'));
    const at = sortedIndex(this.#unlistedGenerated, index);
    const unlisted = this.#unlistedGenerated[at] === index;
    if (change.listed === false && !unlisted) this.#unlistedGenerated.splice(at, 0, index);
    if (change.listed === true && unlisted) this.#unlistedGenerated.splice(at, 1);
  }

  /** The offer with its live stock (a generated one keeps a stock from now on). */
  get(offerId: number): GamesDropOffer | undefined {
    const given = this.#byId.get(offerId);
    if (given) return this.#unlisted.has(offerId) ? undefined : given;
    const index = this.#generatedIndex(offerId);
    if (index === undefined || this.#isUnlistedGenerated(index)) return undefined;
    let stock = this.#generatedStock.get(offerId);
    if (!stock) this.#generatedStock.set(offerId, (stock = new KeyStock(KEYS_PER_OFFER, 'GD')));
    return { ...this.#generatedFields(index), stock };
  }

  /** The offers matching the filters, in offerId order: how many in all, and the page asked for. */
  page(filter: CatalogFilter, offset: number, limit: number): { count: number; offers: GamesDropOffer[] } {
    const matches = matcher(filter);
    const given = this.#given.filter((offer) => !this.#unlisted.has(offer.offerId) && matches(offer));
    const page = given.slice(offset, offset + limit);
    const generatedOffset = Math.max(0, offset - given.length);
    const room = limit - page.length;
    const listedGenerated = this.#generated - this.#unlistedGenerated.length;
    if (matches === everything) {
      // Unfiltered, the generated page is index arithmetic (skipping the few taken off): page 100 costs what page 1 does.
      let index = this.#indexOfListed(generatedOffset);
      for (let n = generatedOffset; n < Math.min(listedGenerated, generatedOffset + room); n++, index++) {
        while (this.#isUnlistedGenerated(index)) index++;
        page.push(this.#peek(index));
      }
      return { count: given.length + listedGenerated, offers: page };
    }
    let count = given.length;
    for (let i = 0; i < this.#generated; i++) {
      if (this.#isUnlistedGenerated(i)) continue;
      const offer = this.#generatedFields(i);
      if (!matches(offer)) continue;
      if (count - given.length >= generatedOffset && page.length < limit) page.push({ ...offer, stock: this.#stockOf(offer.offerId) });
      count += 1;
    }
    return { count, offers: page };
  }

  /** Every offer, given then generated. */
  *all(): Generator<GamesDropOffer> {
    yield* this.#given.filter((offer) => !this.#unlisted.has(offer.offerId));
    for (let i = 0; i < this.#generated; i++) if (!this.#isUnlistedGenerated(i)) yield this.#peek(i);
  }

  /** A generated offer as it is now, without giving it a stock of its own. */
  #peek(index: number): GamesDropOffer {
    const offer = this.#generatedFields(index);
    return { ...offer, stock: this.#stockOf(offer.offerId) };
  }

  /** Generated offer `index` with its scripted price, if any. */
  #generatedFields(index: number): GamesDropOfferFields {
    const offer = generatedOffer(index);
    const price = this.#generatedPrice.get(offer.offerId);
    return price === undefined ? offer : { ...offer, price };
  }

  #isUnlistedGenerated(index: number): boolean {
    return this.#unlistedGenerated.length > 0 && this.#unlistedGenerated[sortedIndex(this.#unlistedGenerated, index)] === index;
  }

  /** The index of the n-th listed generated offer (0-based): n plus the offers taken off before it. */
  #indexOfListed(n: number): number {
    let index = n;
    for (const off of this.#unlistedGenerated) {
      if (off > index) break;
      index++;
    }
    return index;
  }

  #stockOf(offerId: number): KeyStock {
    return this.#generatedStock.get(offerId) ?? new KeyStock(KEYS_PER_OFFER, 'GD');
  }

  #generatedIndex(offerId: number): number | undefined {
    const index = offerId - GENERATED_FIRST_ID;
    return Number.isInteger(index) && index >= 0 && index < this.#generated ? index : undefined;
  }
}

/** Where `value` is, or would go, in an ascending list. */
function sortedIndex(list: readonly number[], value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function everything(): boolean {
  return true;
}

function matcher({ category, search }: CatalogFilter): (offer: GamesDropOfferFields) => boolean {
  if (category === undefined && search === undefined) return everything;
  const wanted = category?.toLowerCase();
  const part = search?.toLowerCase();
  return (offer) =>
    (wanted === undefined || offer.category?.toLowerCase() === wanted)
    && (part === undefined || offer.productName.toLowerCase().includes(part) || offer.offerName.toLowerCase().includes(part));
}

function buildOffers(offers: GamesDropOfferOptions[], withGenerated: boolean): GamesDropOffer[] {
  const seen = new Set<number>();
  const productIds = new Map<string, number>();
  return offers.map((offer) => {
    if (!Number.isSafeInteger(offer.offerId) || offer.offerId < 1) throw new TypeError(`offerId ${offer.offerId}: must be a positive whole number`);
    if (seen.has(offer.offerId)) throw new TypeError(`offerId ${offer.offerId} is listed twice`);
    if (withGenerated && offer.offerId >= GENERATED_FIRST_ID) throw new TypeError(`offerId ${offer.offerId}: ids from ${GENERATED_FIRST_ID} are the generated catalog's`);
    seen.add(offer.offerId);
    if (!productIds.has(offer.productName)) productIds.set(offer.productName, productIds.size + 1);
    return {
      offerId: offer.offerId,
      productId: offer.productId ?? productIds.get(offer.productName)!,
      productName: offer.productName,
      offerName: offer.offerName,
      price: offer.price,
      currency: offer.currency,
      category: offer.category ?? null,
      platformCode: offer.platformCode ?? null,
      platformName: offer.platformName ?? null,
      regionCode: offer.regionCode ?? null,
      regionName: offer.regionName ?? null,
      regionalLimitations: offer.regionalLimitations ?? null,
      excludedCountryCodes: [...new Set((offer.excludedCountryCodes ?? []).map((code) => code.toUpperCase()))].sort(),
      servers: { ...offer.servers },
      stock: new KeyStock(offer.keys ?? KEYS_PER_OFFER, 'GD'),
    };
  });
}
