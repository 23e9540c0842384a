import type pg from 'pg';
import type { SignInLimits } from './modules/access/index.ts';
import type { OfferCatalog } from './modules/catalog/index.ts';
import type { Checkout } from './modules/checkout/index.ts';
import type { Fulfilment, FulfilmentWorker } from './modules/fulfilment/index.ts';
import type { Ledger } from './modules/ledger/index.ts';
import type { Orders } from './modules/orders/index.ts';
import type { ShopTokens } from './modules/merchants/index.ts';
import type { TelegramBot, TelegramStars, TelegramUsers } from './modules/telegram/index.ts';
import type { KeyVault } from './platform/crypto.ts';

/** What request handlers need, passed explicitly: the database, the key vault, the worker. */
export interface Hub {
  db: pg.Pool;
  vault: KeyVault;
  /** SHA-256 of the operator token. */
  adminTokenHash: Buffer;
  /** Cached token → shop, invalidated on rotation across instances. */
  shops: ShopTokens;
  /** Cached offers for reads, invalidated on change across instances. */
  offers: OfferCatalog;
  worker: FulfilmentWorker;
  /** The purchase: what a shop may buy, player checks, placing orders. */
  checkout: Checkout;
  /** Orders as merchants read them and ask for refunds; their funds. */
  orders: Orders;
  /** Merchant cancels and the operator's manual review. */
  fulfilment: Fulfilment;
  ledger: Ledger;
  /** Who has written to the hub's bot (user-info). */
  telegramUsers: TelegramUsers;
  /** Telegram Stars pricing; undefined when no stars provider is configured (Stars are not sold). */
  stars: TelegramStars | undefined;
  /** The hub's Telegram bot; undefined when no bot token is configured. */
  telegramBot: TelegramBot | undefined;
  /** The back-office's sign-in limits and cookie policy. */
  backoffice: { signInLimits: SignInLimits; cookieSecure: 'auto' | 'always' | 'never' };
}
