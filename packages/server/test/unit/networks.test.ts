/** Address lists (shop allowlists, trusted proxies): what is an entry, and who is on a list. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { allows, compileAllowlist, parseNetwork } from '../../src/platform/networks.ts';

describe('address lists', () => {
  it('take IPv4 and IPv6 addresses and CIDR networks, and nothing else', () => {
    expect(parseNetwork('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseNetwork(' 192.0.2.1 ')).toEqual({ address: '192.0.2.1', prefix: 32, family: 'ipv4' });
    expect(parseNetwork('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseNetwork('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['', '10.0.0.0/33', '2001:db8::/129', '10.0.0/8', 'localhost', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/+8', '1.2.3.4/08x']) {
      expect(parseNetwork(bad), bad).toBeUndefined();
    }
  });

  it('admit exactly the addresses inside their networks, an IPv4-mapped client as IPv4', () => {
    const list = compileAllowlist(['10.1.0.0/16', '2001:db8::/32', '192.0.2.7'])!;
    for (const address of ['10.1.0.0', '10.1.255.255', '::ffff:10.1.2.3', '2001:db8:ffff::1', '192.0.2.7']) expect(allows(list, address), address).toBe(true);
    for (const address of ['10.2.0.0', '10.0.255.255', '2001:db9::', '192.0.2.8', '::ffff:10.2.0.1', 'garbage']) expect(allows(list, address), address).toBe(false);
    expect(compileAllowlist([])).toBeUndefined();
  });

  it('DROPGATE_TRUSTED_PROXIES names the proxies whose X-Forwarded-For is believed', () => {
    expect(loadConfig({ DROPGATE_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(() => loadConfig({ DROPGATE_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).toThrow(ConfigError);
    expect(() => loadConfig({ DROPGATE_TRUSTED_PROXIES: '10.0.0.1', DROPGATE_TRUST_PROXY: '1' })).toThrow(/not both/);
    expect(loadConfig({}).rateLimit).toBe(60_000);
    expect(() => loadConfig({ DROPGATE_RATE_LIMIT_WINDOW_S: '0' })).toThrow(/DROPGATE_RATE_LIMIT_WINDOW_S/);
  });
});
