/**
 * Transport faults: what can go wrong between a client and any upstream, whatever the protocol.
 * Each simulator adds its own scripted (protocol-level) faults to this union.
 */
import type { Answer, Exchange, JsonServer } from './http-server.ts';

export type TransportFault =
  /** A 5xx (500 unless `status` says which) with a non-JSON body; the request is not processed. */
  | { kind: 'http-500'; status?: number }
  /** The request is accepted and never answered (until the simulator stops); not processed. */
  | { kind: 'timeout' }
  /** The request is processed at once and answered after `ms`: a client that gives up first meets a late success. */
  | { kind: 'slow'; ms: number }
  /** A 200 whose body is not a valid answer: non-JSON by default, or exactly `body`; not processed. */
  | { kind: 'garbage'; body?: string };

export const TRANSPORT_FAULT_KINDS = ['http-500', 'timeout', 'slow', 'garbage'] as const;

const GARBAGE = '<html><body>502 Bad Gateway</body></html>\n\u0000\u0001 not json';

/** Answers `exchange` as `fault` dictates; `produce` runs (and changes state) only when the request is processed. */
export function answerThrough(server: JsonServer, exchange: Exchange, fault: { kind: string } | undefined, produce: () => Answer): void {
  const transport = fault as TransportFault | undefined;
  switch (transport?.kind) {
    case 'http-500':
      return exchange.send({ status: transport.status ?? 500, text: 'Internal Server Error', contentType: 'text/html' });
    case 'timeout':
      return; // held open: stop() closes it
    case 'garbage':
      return exchange.send({ status: 200, text: transport.body ?? GARBAGE, contentType: 'application/json' });
    case 'slow': {
      const answer = produce();
      return server.later(transport.ms, () => exchange.send(answer));
    }
    default:
      return exchange.send(produce());
  }
}

/** Checks a fault given at run time (from JavaScript or the command line), so a typo fails loudly. */
export function assertFault(fault: { kind: string } & Record<string, unknown>, kinds: readonly string[]): void {
  if (!kinds.includes(fault.kind)) throw new TypeError(`unknown fault kind "${fault.kind}"; expected one of ${kinds.join(', ')}`);
  const wholeNumber = (field: string) => {
    const value = fault[field];
    if (!Number.isInteger(value) || (value as number) < 0) throw new TypeError(`fault ${fault.kind}: ${field} must be a whole number >= 0`);
  };
  if (fault.kind === 'slow') wholeNumber('ms');
  if (fault.kind === 'http-500' && fault.status !== undefined) {
    const status = fault.status;
    if (!Number.isInteger(status) || (status as number) < 500 || (status as number) > 599) throw new TypeError('fault http-500: status must be 500..599');
  }
  if (fault.kind === 'pay-fails-then-ok') wholeNumber('okAfterStatusCalls');
  if (fault.kind === 'processing-then-complete' || fault.kind === 'processing-then-cancel') wholeNumber('afterStatusCalls');
  if (fault.kind === 'pending-then-complete') wholeNumber('afterCalls');
  if (fault.kind === 'stars-delivery-failed' && (typeof fault.error !== 'string' || fault.error === '')) throw new TypeError('fault stars-delivery-failed: error must be a text');
}

/** Per-target faults with a switch for all: a target's own fault wins over the one for all. */
export class FaultTable<F extends { kind: string }> {
  readonly #byTarget = new Map<string | number, F>();
  #forAll: F | undefined;

  set(target: string | number | 'all', fault: F | null): void {
    if (target === 'all') this.#forAll = fault ?? undefined;
    else if (fault === null) this.#byTarget.delete(target);
    else this.#byTarget.set(target, fault);
  }

  clear(): void {
    this.#byTarget.clear();
    this.#forAll = undefined;
  }

  for(target: string | number | undefined): F | undefined {
    return (target === undefined ? undefined : this.#byTarget.get(target)) ?? this.#forAll;
  }
}
