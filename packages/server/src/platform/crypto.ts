/**
 * Secrets at rest. Tokens are stored as SHA-256 (they are 128-bit random, so a fast hash is
 * enough); stock keys are sealed with AES-256-GCM and fingerprinted with HMAC-SHA256 so that
 * duplicates are found without decrypting. Both subkeys derive from one master secret.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, createSecretKey, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

export function generateToken(): string {
  return randomBytes(16).toString('hex');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Whether `Authorization: Bearer <token>` carries the token whose hash is `hash` (the scheme is case-insensitive). */
export function bearerMatches(header: string | undefined, hash: Buffer): boolean {
  const token = bearerToken(header);
  return token !== undefined && token !== '' && timingSafeEqual(hashToken(token), hash);
}

/** The token of "Bearer <token>" (the scheme in any case), or undefined when the header has no such scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  return header !== undefined && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : undefined;
}

/**
 * Names a key-encryption secret without revealing it: a backup records the fingerprint of the
 * secret its keys were sealed with, and a restore checks the secret it is given against it.
 */
export function secretFingerprint(secret: Buffer): string {
  return createHash('sha256').update('dropgate/secret-fingerprint\n').update(secret).digest('hex').slice(0, 16);
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class KeyVault {
  // KeyObjects, made once: given a raw Buffer, every cipher and HMAC call builds a KeyObject of its
  // own, which cost 5-8x the sealing itself (measured on Node 24; see docs/benchmarks.md).
  readonly #encryptionKey: KeyObject;
  readonly #fingerprintKey: KeyObject;

  constructor(masterSecret: Buffer) {
    if (masterSecret.length !== 32) throw new Error('the key-encryption secret must be 32 bytes');
    this.#encryptionKey = createSecretKey(Buffer.from(hkdfSync('sha256', masterSecret, '', 'dropgate/stock-key-encryption', 32)));
    this.#fingerprintKey = createSecretKey(Buffer.from(hkdfSync('sha256', masterSecret, '', 'dropgate/stock-key-fingerprint', 32)));
  }

  /** iv || tag || ciphertext */
  seal(plaintext: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  fingerprint(plaintext: string): Buffer {
    return createHmac('sha256', this.#fingerprintKey).update(plaintext).digest();
  }

  /** A stable, non-secret tag for derived values (the sandbox key), keyed so it cannot be forged. */
  tag(label: string): string {
    return createHmac('sha256', this.#fingerprintKey).update(label).digest('hex');
  }
}
