/**
 * Suppliers behind one interface: each kind is an adapter over the SDK client of its protocol.
 * The fulfilment worker builds one per supplier config; adding a protocol is adding a case here.
 */
import { codeGamesAdapter } from './codegames/adapter.ts';
import { gamesDropAdapter } from './gamesdrop/adapter.ts';
import { starsAdapter } from './stars/adapter.ts';
import type { AdapterDeps, SupplierAdapter, SupplierConfig } from '../modules/suppliers/index.ts';

export function createAdapter(config: SupplierConfig, deps: AdapterDeps): SupplierAdapter {
  switch (config.kind) {
    case 'codegames':
      return codeGamesAdapter(config);
    case 'gamesdrop':
      return gamesDropAdapter(config);
    case 'telegram_stars':
      return starsAdapter(config, deps);
  }
}
