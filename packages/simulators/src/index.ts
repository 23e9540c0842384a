export { startCodeGamesSimulator } from './codegames/simulator.ts';
export type {
  CodeGamesSimulator,
  CodeGamesSimulatorOptions,
  CodeGamesPaymentRecord,
  CodeGamesCatalogEntry,
} from './codegames/simulator.ts';
export type { CodeGamesProductChange, CodeGamesProductOptions } from './codegames/catalog.ts';
export { GENERATED_FIRST_ID as CODEGAMES_GENERATED_FIRST_ID } from './codegames/generated.ts';
export type { ScriptProgress, ScriptStep } from './catalog-script.ts';
export { DEFAULT_CODEGAMES_PRODUCTS } from './codegames/catalog.ts';
export type { CodeGamesFault } from './codegames/faults.ts';
export { CODEGAMES_FAULT_KINDS } from './codegames/faults.ts';

export { startGamesDropSimulator } from './gamesdrop/simulator.ts';
export type {
  GamesDropSimulator,
  GamesDropSimulatorOptions,
  GamesDropOrderRecord,
  GamesDropCatalogEntry,
} from './gamesdrop/simulator.ts';
export type { GamesDropOfferChange, GamesDropOfferOptions, GamesDropProductFields } from './gamesdrop/catalog.ts';
export { DEFAULT_GAMESDROP_OFFERS } from './gamesdrop/catalog.ts';
export { GENERATED_FIRST_ID as GAMESDROP_GENERATED_FIRST_ID } from './gamesdrop/generated.ts';
export type { GamesDropFault } from './gamesdrop/faults.ts';
export { GAMESDROP_FAULT_KINDS } from './gamesdrop/faults.ts';

export type { TransportFault } from './faults.ts';
export type { ListenOptions } from './http-server.ts';

export { startTonRateSimulator, TON_RATE_PATH } from './ton-rate/simulator.ts';
export type { TonRateSimulator, TonRateSimulatorOptions } from './ton-rate/simulator.ts';

export { startStarsProviderSimulator } from './stars/simulator.ts';
export type { StarsProviderSimulator, StarsProviderSimulatorOptions, StarsTransferRecord } from './stars/simulator.ts';
export type { StarsProviderFault } from './stars/faults.ts';
export { STARS_PROVIDER_FAULT_KINDS } from './stars/faults.ts';

export { startTelegramBotApiSimulator } from './telegram/simulator.ts';
export type { TelegramBotApiSimulator, TelegramBotApiSimulatorOptions, TelegramUserSpec } from './telegram/simulator.ts';

export { startWebhookReceiver } from './webhook-receiver/receiver.ts';
export type { ReceivedWebhook, ReceiverAnswer, WebhookReceiver, WebhookReceiverOptions } from './webhook-receiver/receiver.ts';
