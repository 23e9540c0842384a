import { expect } from 'vitest';
import { PartnerApiError, TransportError, type TransportErrorKind } from '../../src/index.ts';

/** The rejection of `promise`; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  return expect.fail(`expected a rejection, got an answer: ${JSON.stringify(value)}`);
}

export async function transportError(promise: Promise<unknown>, kind: TransportErrorKind): Promise<TransportError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(TransportError);
  expect((error as TransportError).kind).toBe(kind);
  return error as TransportError;
}

export async function partnerApiError(promise: Promise<unknown>, code: PartnerApiError['code']): Promise<PartnerApiError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(PartnerApiError);
  expect((error as PartnerApiError).code).toBe(code);
  return error as PartnerApiError;
}
