/**
 * Address lists (shop IP allowlists, trusted proxies) as node:net BlockLists: an entry is an IPv4
 * or IPv6 address, or a network in CIDR notation. node:net does the parsing; the only text handled here is the split at the `/`.
 */
import { BlockList, isIP } from 'node:net';
import { invalidField } from './errors.ts';

export type Family = 'ipv4' | 'ipv6';

export interface Network {
  address: string;
  prefix: number;
  family: Family;
}

/** One allowlist entry, or undefined when it is neither an address nor a network. */
export function parseNetwork(entry: string): Network | undefined {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family };
}

/** The entries, each checked; bad ones are INVALID_REQUEST_BODY naming `field` and the entry. */
export function checkNetworks(entries: string[], field: string): string[] {
  return entries.map((entry, i) => {
    if (!parseNetwork(entry)) throw invalidField(`${field}.${i}`, `${JSON.stringify(entry)} is not an IPv4 or IPv6 address or CIDR network`);
    return entry.trim();
  });
}

/** A compiled allowlist; undefined when the list is empty (any address may call). */
export function compileAllowlist(entries: string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const network = parseNetwork(entry);
    if (network) list.addSubnet(network.address, network.prefix, network.family);
  }
  return list;
}

/** Whether `address` (as the socket or a trusted proxy gave it) is on the list. */
export function allows(list: BlockList, address: string): boolean {
  // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d: it is checked as IPv4.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  const version = isIP(plain);
  if (version === 0) return false;
  return list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
}
