/**
 * Calls to the hub's back-office API. The session cookie is HttpOnly and travels by itself; the
 * CSRF token is read from its cookie and echoed in X-CSRF-Token on every state-changing call.
 * Each call names the answer it reads (a type of @dropgate/contract): the hub's schemas write
 * exactly those shapes. Types only: nothing of the contract's runtime reaches the bundle.
 */
import type { ErrorBody } from '@dropgate/contract';

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

function csrfToken(): string {
  const match = /(?:^|;\s*)dg_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : '';
}

/** Sent when any call finds the session gone, so the app returns to sign-in. */
export const SESSION_LOST = 'dropgate:session-lost';

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error: Partial<ErrorBody['error']> = (data as Partial<ErrorBody> | null)?.error ?? {};
    if (error.code === 'SESSION_REQUIRED' && !path.endsWith('/session')) window.dispatchEvent(new Event(SESSION_LOST));
    const field = typeof error.field === 'string' ? error.field : undefined;
    throw new ApiError(response.status, error.code ?? 'SERVICE_UNAVAILABLE', error.message ?? `HTTP ${response.status}`, field);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);

/** A query string from the filters that are set. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
