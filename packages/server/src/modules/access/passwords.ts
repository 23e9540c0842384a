/**
 * Passwords, hashed with scrypt (memory-hard, built into Node). Parameters: N = 2^15, r = 8, p = 1
 * (32 MiB and about 100 ms per hash on one core), a 16-byte random salt, a 32-byte hash. The
 * stored form names its parameters ("scrypt$N$r$p$salt$hash"), so they can be raised later
 * and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem must exceed 128 * N * r bytes; Node's default (32 MiB) is exactly our N * r, too tight.
  const settings: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, settings, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password for a new or reset account: 96 random bits, 16 URL-safe characters, shown once. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

let decoy: Promise<string> | undefined;

/**
 * Spends the same time as a real check for an unknown email, so the answer's timing does not
 * tell which emails have accounts.
 */
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(generatePassword());
  await verifyPassword(password, await decoy);
  return false;
}
