/**
 * Where a webhook may point: https:// to a public address, unless the operator allows plain
 * http:// (DROPGATE_WEBHOOK_ALLOW_HTTP) or private, loopback and link-local addresses
 * (DROPGATE_WEBHOOK_ALLOW_PRIVATE). Checked when the URL is saved and again, on what the name
 * resolves to then, before every attempt: a hub inside a network must not become a way into it.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { invalidField } from '../../platform/errors.ts';

export interface UrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

const PRIVATE = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
// IPv4-mapped IPv6 (::ffff:a.b.c.d) is checked as the IPv4 address it maps (isPrivateAddress).
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  const mapped = mappedIpv4(address);
  return mapped ? PRIVATE.check(mapped, 'ipv4') : PRIVATE.check(address, 'ipv6');
}

/** The IPv4 address of ::ffff:a.b.c.d (or its hex form ::ffff:7f00:1), else undefined. */
function mappedIpv4(address: string): string | undefined {
  const match = /^::ffff:(.+)$/i.exec(address);
  if (!match) return undefined;
  if (isIP(match[1]!) === 4) return match[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(match[1]!);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The URL as saved: its form and scheme, and its host when the host is an address. */
export function checkUrl(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField('url', 'not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw invalidField('url', policy.allowHttp ? 'must be http:// or https://' : 'must be https://');
  }
  if (url.username || url.password) throw invalidField('url', 'must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && (isPrivateAddress(host) || host === 'localhost' || host.endsWith('.localhost'))) {
    throw invalidField('url', 'private, loopback and link-local addresses are not allowed');
  }
  return url;
}

/** Why the URL may not be called now (its name resolves to a private address), or undefined. */
export async function refusedAddress(url: URL, policy: UrlPolicy): Promise<string | undefined> {
  if (policy.allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? 'refused: a private address' : undefined;
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.some((a) => isPrivateAddress(a.address)) ? 'refused: the name resolves to a private address' : undefined;
  } catch {
    return 'the name does not resolve';
  }
}
