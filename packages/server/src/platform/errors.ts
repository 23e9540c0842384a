import { ERROR_STATUS, type ErrorCode } from '@dropgate/contract';

/**
 * The one error family of the hub. Domain code throws these; the single error handler turns them
 * into {"error": {"code", "message", ...details}} with the status from the contract's table.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Bad input, naming the field at fault. */
export function invalidField(field: string, problem: string): AppError {
  return new AppError('INVALID_REQUEST_BODY', `${field}: ${problem}`, { field });
}

/** An invariant of our own code broke: a bug, never the caller's fault. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
