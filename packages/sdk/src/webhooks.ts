/**
 * Webhook signatures, the Stripe scheme: `Dropgate-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`,
 * each v1 an HMAC-SHA256, keyed by one of the endpoint's secrets, over `<t>.<raw body>`. During a
 * secret rotation the hub signs with both secrets, so a receiver holding either verifies.
 * The hub signs with `signWebhook`; receivers verify with `verifyWebhook` (docs/webhooks.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Dropgate-Signature';

/** How old a signature's timestamp may be by default (replays of older bodies are refused). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmac(secret: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header's value for `body` at `timestamp` (unix seconds), one v1 per secret. */
export function signWebhook(secrets: readonly string[], timestamp: number, body: string | Uint8Array): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmac(secret, timestamp, body)}`)].join(',');
}

export interface VerifyOptions {
  /** Seconds a timestamp may differ from now; default 300. */
  toleranceSeconds?: number;
  /** Now, in unix seconds (tests). */
  now?: number;
}

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

/**
 * Checks `header` against the raw `body` (exactly the bytes received, before any JSON parsing)
 * with the endpoint's secret, and answers the parsed event. Throws WebhookSignatureError when
 * the header is malformed, too old, or no v1 matches.
 */
export function verifyWebhook<Event = unknown>(body: string | Uint8Array, header: string | undefined, secret: string, options: VerifyOptions = {}): Event {
  if (!header) throw new WebhookSignatureError(`no ${SIGNATURE_HEADER} header`);
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    if (name === 'v1' && value) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) throw new WebhookSignatureError('malformed signature header');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) throw new WebhookSignatureError('signature timestamp outside the tolerance');
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookSignatureError('no signature matches the secret');
  return JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as Event;
}
