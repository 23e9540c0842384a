/**
 * A TON/USD rate source: GET /api/v1/rates/ton-usd answers {"symbol": "TONUSD", "price": "2.58",
 * "updatedAt": "…"} (the price a decimal string, read by the hub's DROPGATE_TON_RATE_FIELD=price).
 * Tests move the rate with setRate() and break the source with the transport faults.
 */
import { answerThrough, assertFault, TRANSPORT_FAULT_KINDS, type TransportFault } from '../faults.ts';
import { startJsonServer, type ListenOptions } from '../http-server.ts';

export const TON_RATE_PATH = '/api/v1/rates/ton-usd';

export interface TonRateSimulatorOptions extends ListenOptions {
  /** USD per TON, a decimal string. Default "2.58". */
  usdPerTon?: string;
}

export interface TonRateSimulator {
  /** The server's origin. */
  url: string;
  /** The full URL of the rate: what DROPGATE_TON_RATE_URL takes. */
  rateUrl: string;
  readonly calls: { rate: number };
  setRate(usdPerTon: string): void;
  /** A transport fault for every call (the source has one resource), or null to clear it. */
  setFault(fault: TransportFault | null): void;
  stop(): Promise<void>;
}

const DECIMAL = /^\d{1,12}(\.\d{1,12})?$/;

export async function startTonRateSimulator(options: TonRateSimulatorOptions = {}): Promise<TonRateSimulator> {
  let usdPerTon = checkRate(options.usdPerTon ?? '2.58');
  let fault: TransportFault | undefined;
  const calls = { rate: 0 };
  const server = await startJsonServer(options, (exchange) => {
    if (exchange.path !== TON_RATE_PATH) return exchange.send({ status: 404, json: { error: `no route ${exchange.path}` } });
    if (exchange.method !== 'GET') return exchange.send({ status: 405, json: { error: 'GET only' } });
    calls.rate += 1;
    answerThrough(server, exchange, fault, () => ({ status: 200, json: { symbol: 'TONUSD', price: usdPerTon, updatedAt: new Date().toISOString() } }));
  });
  return {
    url: server.url,
    rateUrl: `${server.url}${TON_RATE_PATH}`,
    calls,
    setRate(rate) {
      usdPerTon = checkRate(rate);
    },
    setFault(next) {
      if (next !== null) assertFault(next, TRANSPORT_FAULT_KINDS);
      fault = next ?? undefined;
    },
    stop: () => server.stop(),
  };
}

function checkRate(rate: string): string {
  if (!DECIMAL.test(rate)) throw new TypeError(`usdPerTon ${JSON.stringify(rate)}: expected a decimal string such as "2.58"`);
  return rate;
}
