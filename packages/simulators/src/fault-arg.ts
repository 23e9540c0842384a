/**
 * `--fault TARGET=KIND[:VALUE]` from the command line, e.g. `all=timeout`, `1001=slow:2000`,
 * `1234567890=pay-fails-then-ok:3`, `all=http-500:503`. VALUE fills the one field a kind takes.
 */
const VALUE_FIELD: Record<string, { field: string; numeric: boolean }> = {
  'http-500': { field: 'status', numeric: true },
  slow: { field: 'ms', numeric: true },
  garbage: { field: 'body', numeric: false },
  'pay-fails-then-ok': { field: 'okAfterStatusCalls', numeric: true },
  'processing-then-complete': { field: 'afterStatusCalls', numeric: true },
  'processing-then-cancel': { field: 'afterStatusCalls', numeric: true },
  'pending-then-complete': { field: 'afterCalls', numeric: true },
  'stars-delivery-failed': { field: 'error', numeric: false },
};

export interface FaultArg {
  target: number | 'all';
  fault: { kind: string } & Record<string, unknown>;
}

export function parseFaultArg(text: string): FaultArg {
  const match = /^(all|\d+)=([a-z0-9-]+)(?::(.*))?$/.exec(text);
  if (!match) throw new TypeError(`--fault ${text}: expected TARGET=KIND[:VALUE], TARGET being "all" or an id`);
  const [, target, kind, value] = match as unknown as [string, string, string, string | undefined];
  const fault: FaultArg['fault'] = { kind };
  const slot = VALUE_FIELD[kind];
  if (value !== undefined) {
    if (!slot) throw new TypeError(`--fault ${text}: ${kind} takes no value`);
    fault[slot.field] = slot.numeric ? Number(value) : value;
  } else if (slot?.numeric && slot.field !== 'status') {
    throw new TypeError(`--fault ${text}: ${kind} needs a value (${slot.field})`);
  }
  return { target: target === 'all' ? 'all' : Number(target), fault };
}
