export { PartnerApiClient, OrderAnswer, SyncAnswer, SyncRowAnswer } from './partner-api-client.ts';
export type {
  PartnerApiClientOptions,
  Order,
  Offer,
  Balance,
  Transactions,
  PlayerCheck,
  RefundRequested,
  OrderLookup,
  Servers,
  SyncAllQuery,
  SyncOffer,
  SyncPage,
} from './partner-api-client.ts';
export { CodeGamesClient } from './codegames-client.ts';
export type { CodeGamesClientOptions, CodeGamesPayment } from './codegames-client.ts';
export { StarsProviderClient } from './stars-provider-client.ts';
export type { StarsProviderClientOptions } from './stars-provider-client.ts';
export { HttpClient } from './http.ts';
export type { HttpAnswer, HttpCall, HttpClientOptions } from './http.ts';
export { CatalogChangedError, PartnerApiError, StarsProviderError, TransportError } from './errors.ts';
export type { TransportErrorKind } from './errors.ts';
export type {
  CodeGamesCheckResponse,
  CodeGamesPayResponse,
  CodeGamesStatusResponse,
  CodeGamesStatus,
  ErrorCode,
  StarsTransfer,
  StarsTransferRequest,
} from '@dropgate/contract';
export { signWebhook, verifyWebhook, WebhookSignatureError, SIGNATURE_HEADER, DEFAULT_TOLERANCE_SECONDS } from './webhooks.ts';
export type { VerifyOptions } from './webhooks.ts';
