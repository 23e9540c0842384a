import type { Access, Team } from './modules/access/index.ts';
import type { Audit } from './modules/audit/index.ts';
import type { AuditLog } from './modules/audit-log/index.ts';
import type { Catalog } from './modules/catalog/index.ts';
import type { Checkout } from './modules/checkout/index.ts';
import type { Fulfilment, FulfilmentWorker } from './modules/fulfilment/index.ts';
import type { Inventory } from './modules/inventory/index.ts';
import type { KeyReveals } from './modules/key-reveals/index.ts';
import type { Ledger } from './modules/ledger/index.ts';
import type { Merchants, ShopTokens } from './modules/merchants/index.ts';
import type { Orders } from './modules/orders/index.ts';
import type { ShopLimits } from './modules/shop-limits/index.ts';
import type { CatalogSyncs, Suppliers } from './modules/suppliers/index.ts';
import type { TelegramBot, TelegramStars, TelegramUsers } from './modules/telegram/index.ts';
import type { Webhooks } from './modules/webhooks/index.ts';

/**
 * What request handlers may use: the domain modules, each bound at start-up to the database and
 * the key vault it needs. Handlers never see the pool or the vault themselves.
 */
export interface Hub {
  /** The purchase: what a shop may buy, player checks, placing orders. */
  checkout: Checkout;
  catalog: Catalog;
  inventory: Inventory;
  keyReveals: KeyReveals;
  suppliers: Suppliers;
  /** Suppliers' own catalogs: syncs (one per supplier at a time, run in the background) and their offers. */
  catalogSyncs: CatalogSyncs;
  /** Orders: merchants' reads and refund requests, the operator's lists and refunds, funds. */
  orders: Orders;
  /** Merchant cancels and the operator's manual review. */
  fulfilment: Fulfilment;
  /** The worker itself, which tests drive directly. */
  worker: FulfilmentWorker;
  ledger: Ledger;
  merchants: Merchants;
  /** Shop tokens → shops, cached; invalidated on rotation across instances. */
  shops: ShopTokens;
  /** Each shop's rate limit and IP allowlist on the merchant APIs, cached; shared across instances. */
  shopLimits: ShopLimits;
  /** Who is calling (sessions, API keys, the bootstrap key), sign-in and two-factor, merchant staff. */
  access: Access;
  /** Operator accounts and roles, API keys, the two-factor requirement. */
  team: Team;
  /** The audit trail of people's and keys' actions (written by each module, read here). */
  auditLog: AuditLog;
  audit: Audit;
  /** Telegram Stars pricing; undefined when no stars provider is configured (Stars are not sold). */
  stars: TelegramStars | undefined;
  /** Who has written to the hub's bot (user-info). */
  telegramUsers: TelegramUsers;
  /** The hub's Telegram bot; undefined when no bot token is configured. */
  telegramBot: TelegramBot | undefined;
  /** The back-office's cookie policy. */
  backoffice: { cookieSecure: 'auto' | 'always' | 'never' };
  /** Shops' webhook endpoints, their delivery log, test events and redeliveries. */
  webhooks: Webhooks;
}
