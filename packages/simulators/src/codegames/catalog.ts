import { KeyStock } from '../key-stock.ts';

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

export function buildCatalog(products: CodeGamesProductOptions[]): Map<number, CodeGamesProduct> {
  const catalog = new Map<number, CodeGamesProduct>();
  for (const product of products) {
    if (!Number.isSafeInteger(product.id) || product.id < 1) throw new TypeError(`product id ${product.id}: must be a positive whole number`);
    if (catalog.has(product.id)) throw new TypeError(`product id ${product.id} is listed twice`);
    catalog.set(product.id, {
      id: product.id,
      name: product.name,
      shortDescription: product.shortDescription,
      price: product.price,
      partnerPrice: product.partnerPrice,
      stock: new KeyStock(product.keys ?? 100, 'CG'),
    });
  }
  return catalog;
}
