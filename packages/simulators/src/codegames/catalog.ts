import { KeyStock } from '../key-stock.ts';
import { generatedProduct, GENERATED_FIRST_ID } from './generated.ts';

export interface CodeGamesProductOptions {
  id: number;
  name: string;
  shortDescription?: string;
  /** Price for the client: what `pay` must be sent. */
  price: number;
  /** Price for the partner (price without the commission), shown by `check`. */
  partnerPrice: number;
  /** The keys to sell, or how many to generate. Default: 100 generated. */
  keys?: string[] | number;
}

export interface CodeGamesProduct {
  id: number;
  name: string;
  shortDescription: string | undefined;
  price: number;
  partnerPrice: number;
  stock: KeyStock;
}

/** The spec's example product, and a second one so tests can fault one and not the other. */
export const DEFAULT_CODEGAMES_PRODUCTS: CodeGamesProductOptions[] = [
  {
    id: 1234567890,
    name: 'Карта пополнения PSN USA 100 USD',
    shortDescription: 'Kарта оплаты, позволяющая пополнить баланс для американской версии аккаунта Playstation Network (PlayStation US Store) на 100 долларов.',
    price: 50000.0,
    partnerPrice: 45000.0,
  },
  { id: 1234567891, name: 'Steam Wallet 20 USD', price: 10000.0, partnerPrice: 9200.0 },
];

/** A scripted change of a product: new prices, a new stock, taken off the catalog or back on. */
export interface CodeGamesProductChange {
  price?: number;
  partnerPrice?: number;
  keys?: number;
  listed?: boolean;
}

/**
 * The given products, then (optionally) a generated catalog of any size: a generated product is
 * computed from its index until it is read to be sold or changed, and only then keeps a stock
 * and prices of its own.
 */
export class CodeGamesCatalog {
  /** Given products, and generated ones that were sold or changed. */
  readonly #products = new Map<number, CodeGamesProduct>();
  readonly #givenIds: number[];
  readonly #generated: number;
  /** Products taken off by a change: unknown to check and pay until put back. */
  readonly #unlisted = new Set<number>();

  constructor(products: CodeGamesProductOptions[], generated = 0) {
    if (!Number.isInteger(generated) || generated < 0) throw new TypeError('generatedProducts: must be a whole number >= 0');
    this.#generated = generated;
    for (const product of products) {
      if (!Number.isSafeInteger(product.id) || product.id < 1) throw new TypeError(`product id ${product.id}: must be a positive whole number`);
      if (this.#products.has(product.id)) throw new TypeError(`product id ${product.id} is listed twice`);
      if (generated > 0 && product.id >= GENERATED_FIRST_ID) throw new TypeError(`product id ${product.id}: ids from ${GENERATED_FIRST_ID} are the generated catalog's`);
      this.#products.set(product.id, toProduct(product));
    }
    this.#givenIds = [...this.#products.keys()];
  }

  /** Known, listed or not (what a fault or a change may name). */
  has(id: number): boolean {
    return this.#products.has(id) || this.#generatedIndex(id) !== undefined;
  }

  /** A listed product with its live stock and prices (a generated one keeps them from now on). */
  get(id: number): CodeGamesProduct | undefined {
    return this.#unlisted.has(id) ? undefined : this.find(id);
  }

  /** A product listed or not (a payment's status still names what was paid for). */
  find(id: number): CodeGamesProduct | undefined {
    const known = this.#products.get(id);
    if (known) return known;
    const index = this.#generatedIndex(id);
    if (index === undefined) return undefined;
    const product = toProduct(generatedProduct(index));
    this.#products.set(id, product);
    return product;
  }

  change(id: number, change: CodeGamesProductChange): void {
    const product = this.find(id);
    if (!product) throw new TypeError(`changeProduct: no product ${id} in this simulator`);
    if (change.price !== undefined) product.price = change.price;
    if (change.partnerPrice !== undefined) product.partnerPrice = change.partnerPrice;
    if (change.keys !== undefined) product.stock = new KeyStock(change.keys, 'CG');
    if (change.listed === false) this.#unlisted.add(id);
    if (change.listed === true) this.#unlisted.delete(id);
  }

  /** Every listed product, given then generated (a generated one not yet sold is computed, full stock). */
  *listed(): Generator<CodeGamesProduct> {
    for (const id of this.#givenIds) if (!this.#unlisted.has(id)) yield this.#products.get(id)!;
    for (let i = 0; i < this.#generated; i++) {
      const id = GENERATED_FIRST_ID + i;
      if (this.#unlisted.has(id)) continue;
      yield this.#products.get(id) ?? toProduct(generatedProduct(i));
    }
  }

  #generatedIndex(id: number): number | undefined {
    const index = id - GENERATED_FIRST_ID;
    return Number.isInteger(index) && index >= 0 && index < this.#generated ? index : undefined;
  }
}

function toProduct(product: CodeGamesProductOptions): CodeGamesProduct {
  return {
    id: product.id,
    name: product.name,
    shortDescription: product.shortDescription,
    price: product.price,
    partnerPrice: product.partnerPrice,
    stock: new KeyStock(product.keys ?? 100, 'CG'),
  };
}
