/**
 * A Telegram Stars provider: POST /v1/transfers {request_id, telegram_user_id, amount}, the API the
 * hub's stars adapter speaks (packages/contract/src/telegram.ts). Idempotent per request_id: a
 * repeat answers the recorded transfer (that is how a status is asked), never a second transfer.
 * It enforces its own rate limit (default 30 calls in any second, else 429) and records when each
 * call arrived, so a test can check the hub's limiter from the receiving end.
 */
import { randomBytes } from 'node:crypto';
import { StarsTransferRequest, type StarsTransfer } from '@dropgate/contract';
import { BoundedMap } from '../bounded-map.ts';
import { answerThrough, assertFault, FaultTable } from '../faults.ts';
import { startJsonServer, type Answer, type ListenOptions } from '../http-server.ts';
import { checkBody } from '../validate.ts';
import { DELIVERY_ERRORS, STARS_PROVIDER_FAULT_KINDS, type StarsProviderFault } from './faults.ts';

export interface StarsProviderSimulatorOptions extends ListenOptions {
  /** When set, every call must carry it raw in Authorization (else 401). */
  token?: string;
  /** Calls accepted in any one-second window; past it, 429 with retry_after. Default 30; 0: no limit. */
  rateLimit?: number;
  /** Transfers remembered; past this the oldest are forgotten. Default 10 000. */
  maxTransfers?: number;
}

export interface StarsTransferRecord extends StarsTransfer {
  createdAt: Date;
}

export interface StarsProviderSimulator {
  url: string;
  /** Calls received (faulted and rate-limited ones included), and how many were answered 429. */
  readonly calls: { transfer: number; rateLimited: number };
  /** When each call arrived, in milliseconds of a monotonic clock (performance.now()). */
  arrivals(): number[];
  /** Sets (or with null clears) the fault of one Telegram user id, or of all: a user's own fault wins. */
  setFault(target: number | 'all', fault: StarsProviderFault | null): void;
  clearFaults(): void;
  transfers(): StarsTransferRecord[];
  stop(): Promise<void>;
}

interface Transfer extends StarsTransferRecord {
  /** pending-then-complete: how many more repeats answer pending. */
  pendingCalls: number;
}

const WINDOW_MS = 1000;
/** Arrival times kept (a long benchmark must not grow them forever). */
const MAX_ARRIVALS = 100_000;

export async function startStarsProviderSimulator(options: StarsProviderSimulatorOptions = {}): Promise<StarsProviderSimulator> {
  const rateLimit = options.rateLimit ?? 30;
  const transfers = new BoundedMap<string, Transfer>(options.maxTransfers ?? 10_000);
  const faults = new FaultTable<StarsProviderFault>();
  const calls = { transfer: 0, rateLimited: 0 };
  const arrivals: number[] = [];

  const server = await startJsonServer(options, (exchange) => {
    if (exchange.path !== '/v1/transfers') return exchange.send(refusal(404, 'NOT_FOUND', `no route ${exchange.method} ${exchange.path}`));
    if (exchange.method !== 'POST') return exchange.send(refusal(405, 'METHOD_NOT_ALLOWED', 'POST only'));
    const now = performance.now();
    calls.transfer += 1;
    arrivals.push(now);
    if (arrivals.length > MAX_ARRIVALS) arrivals.splice(0, arrivals.length - MAX_ARRIVALS);
    if (options.token !== undefined && exchange.authorization !== options.token) return exchange.send(refusal(401, 'UNAUTHORIZED', 'unknown token'));
    if (rateLimit > 0 && countSince(arrivals, now - WINDOW_MS) > rateLimit) {
      calls.rateLimited += 1;
      return exchange.send(refusal(429, 'RATE_LIMITED', `more than ${rateLimit} calls in a second`, 1));
    }
    const checked = checkBody(StarsTransferRequest, exchange.body);
    if (!checked.ok) return exchange.send(refusal(400, 'BAD_REQUEST', checked.problem));
    const request = checked.value;
    const fault = faults.for(request.telegram_user_id);
    if (fault?.kind === 'rate-limited') {
      calls.rateLimited += 1;
      return exchange.send(refusal(429, 'RATE_LIMITED', 'slow down', 1));
    }
    answerThrough(server, exchange, fault, () => transfer(request, fault));
  });

  function transfer(request: StarsTransferRequest, fault: StarsProviderFault | undefined): Answer {
    const existing = transfers.get(request.request_id);
    if (existing) {
      if (existing.telegram_user_id !== request.telegram_user_id || existing.amount !== request.amount) {
        return refusal(409, 'REQUEST_ID_REUSED', `request_id ${request.request_id} was used for another transfer`);
      }
      if (existing.status === 'pending') advance(existing);
      return { status: 200, json: wire(existing) };
    }
    const record: Transfer = { ...request, status: 'completed', createdAt: new Date(), pendingCalls: 0 };
    if (fault && fault.kind in DELIVERY_ERRORS) {
      record.status = 'failed';
      record.error = DELIVERY_ERRORS[fault.kind as keyof typeof DELIVERY_ERRORS];
    } else if (fault?.kind === 'pending-then-complete') {
      record.status = 'pending';
      record.pendingCalls = fault.afterCalls;
    } else {
      record.transaction_id = transactionId();
    }
    transfers.set(record.request_id, record);
    return { status: 200, json: wire(record) };
  }

  return {
    url: server.url,
    calls,
    arrivals: () => [...arrivals],
    setFault(target, fault) {
      if (fault !== null) assertFault(fault, STARS_PROVIDER_FAULT_KINDS);
      faults.set(target, fault);
    },
    clearFaults: () => faults.clear(),
    transfers: () => [...transfers.values()].map(({ pendingCalls: _pending, ...record }) => ({ ...record })),
    stop: () => server.stop(),
  };
}

/** One repeat of a pending transfer: still pending, or now completed. */
function advance(transfer: Transfer): void {
  if (transfer.pendingCalls > 0) {
    transfer.pendingCalls -= 1;
    return;
  }
  transfer.status = 'completed';
  transfer.transaction_id = transactionId();
}

function wire({ createdAt: _createdAt, pendingCalls: _pending, ...transfer }: Transfer): StarsTransfer {
  return transfer;
}

function transactionId(): string {
  return `tg_tx_${randomBytes(6).toString('hex')}`;
}

function countSince(times: number[], since: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > since; i--) n++;
  return n;
}

function refusal(status: number, code: string, message: string, retryAfter?: number): Answer {
  return { status, json: { error: { code, message, ...(retryAfter !== undefined && { retry_after: retryAfter }) } } };
}
