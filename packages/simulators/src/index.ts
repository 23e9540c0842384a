export { startCodeGamesSimulator } from './codegames/simulator.ts';
export type {
  CodeGamesSimulator,
  CodeGamesSimulatorOptions,
  CodeGamesPaymentRecord,
  CodeGamesCatalogEntry,
} from './codegames/simulator.ts';
export type { CodeGamesProductOptions } from './codegames/catalog.ts';
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
export type { GamesDropOfferOptions } from './gamesdrop/catalog.ts';
export { DEFAULT_GAMESDROP_OFFERS } from './gamesdrop/catalog.ts';
export type { GamesDropFault } from './gamesdrop/faults.ts';
export { GAMESDROP_FAULT_KINDS } from './gamesdrop/faults.ts';

export type { TransportFault } from './faults.ts';
export type { ListenOptions } from './http-server.ts';
