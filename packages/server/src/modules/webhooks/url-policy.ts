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
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['::ffff:0:0', 96]] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
