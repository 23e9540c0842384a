/** Assertions on the hub's wire format shared by the API suites, and on its errors. */
import { expect } from 'vitest';
import { AppError } from '../../src/platform/errors.ts';

/** ISO 8601, UTC, with milliseconds: what every timestamp of the hub looks like. */
export const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Anything that looks like a leaked stack trace or source location. */
const STACK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+|\bstack\b/i;

/**
 * The one error shape: {"error": {"code", "message", ...details}}, with this status and code.
 * `field`, when given, must be the field named (and the message must start with it).
 * Returns the error object for further checks.
 */
export function expectError(
  response: { status: number; body: any },
  status: number,
  code: string,
  field?: string,
): { code: string; message: string; [detail: string]: unknown } {
  const context = JSON.stringify(response.body);
  expect(response.status, context).toBe(status);
  expect(response.body, context).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(Object.keys(response.body), context).toEqual(['error']);
  const error = response.body.error;
  expect(error.message.length, context).toBeGreaterThan(0);
  for (const key of Object.keys(error)) expect(['code', 'message', 'field', 'orderId', 'retryAfterSeconds'], context).toContain(key);
  expect(context).not.toMatch(STACK);
  if (field !== undefined) {
    expect(error.field, context).toBe(field);
    expect(error.message.startsWith(`${field}: `), context).toBe(true);
  }
  return error;
}

/** Money in minor units from a wire number, exactly (6.05 -> 605). */
export function cents(amount: number): number {
  return Math.round(amount * 100);
}

/** The AppError that `run` throws (failing the test if it throws nothing, or something else), for checks of its code and details. */
export function appErrorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  return expect.fail('expected an AppError, nothing was thrown');
}
