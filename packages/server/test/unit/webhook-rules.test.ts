import { signWebhook, verifyWebhook } from '@dropgate/sdk';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/modules/webhooks/index.ts';
import { checkUrl, isPrivateAddress } from '../../src/modules/webhooks/url-policy.ts';

const STRICT = { allowHttp: false, allowPrivate: false };

describe('where a webhook may point', () => {
  it('https to a public host only, unless the operator allows http or private addresses', () => {
    expect(checkUrl('https://hooks.example.com/dropgate?x=1', STRICT).href).toBe('https://hooks.example.com/dropgate?x=1');
    for (const url of ['http://hooks.example.com/', 'ftp://example.com/', 'https://127.0.0.1/', 'https://10.1.2.3/', 'https://[::1]/', 'https://localhost/',
      'https://169.254.169.254/latest', 'https://[::ffff:127.0.0.1]/', 'https://user:pw@example.com/', 'not a url']) {
      expect(() => checkUrl(url, STRICT), url).toThrow(/url:/);
    }
    expect(checkUrl('http://127.0.0.1:9/x', { allowHttp: true, allowPrivate: true }).hostname).toBe('127.0.0.1');
    expect(() => checkUrl('http://127.0.0.1:9/x', { allowHttp: true, allowPrivate: false })).toThrow(/private/);
  });

  it('knows private, loopback, link-local and mapped addresses', () => {
    for (const a of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:7f00:1']) expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1::1', '::ffff:8.8.8.8', 'example.com']) expect(isPrivateAddress(a), a).toBe(false);
  });
});

describe('retry delays', () => {
  it('double from the base, capped, with ±50 % jitter', () => {
    const options = { retryBaseMs: 10_000, maxDelayMs: 60_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, options, 0.5))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(backoffMs(1, options, 0)).toBe(5_000);
    expect(backoffMs(1, options, 0.999_999)).toBe(15_000);
    expect(backoffMs(400, options, 0.5)).toBe(60_000);
  });
});

describe('signatures', () => {
  it('verify with any signing secret, within the tolerance, and not after a change', () => {
    const body = '{"id":"e1","type":"webhook.test"}';
    const header = signWebhook(['whsec_new', 'whsec_old'], 1_000_000, body);
    expect(header).toMatch(/^t=1000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(body, header, 'whsec_old', { now: 1_000_100 })).toEqual({ id: 'e1', type: 'webhook.test' });
    expect(verifyWebhook(Buffer.from(body), header, 'whsec_new', { now: 1_000_100 })).toEqual({ id: 'e1', type: 'webhook.test' });
    expect(() => verifyWebhook(body, header, 'whsec_new', { now: 1_000_301 })).toThrow(/tolerance/);
    expect(() => verifyWebhook(`${body} `, header, 'whsec_new', { now: 1_000_000 })).toThrow(/no signature/);
    expect(() => verifyWebhook(body, 'v1=abc', 'whsec_new')).toThrow(/malformed/);
    expect(() => verifyWebhook(body, undefined, 'whsec_new')).toThrow(/no Dropgate-Signature/);
  });
});
