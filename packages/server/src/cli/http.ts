/** The operator API, as the CLI calls it: JSON over HTTP with the operator's bearer token. */

/** An answer of the hub's error shape: {"error": {"code", "message", ...}}. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: string;
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, code: string, message: string, body: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export class AdminClient {
  readonly #base: string;
  readonly #token: string;

  constructor(baseUrl: string, token: string) {
    this.#base = `${baseUrl.replace(/\/+$/, '')}/admin/v1`;
    this.#token = token;
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown = {}) => this.request('POST', path, body);
  put = (path: string, body: unknown) => this.request('PUT', path, body);
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);

  async request(method: string, path: string, body?: unknown): Promise<any> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new ApiError(0, 'UNREACHABLE', `cannot reach the hub at ${this.#base}: ${(error as Error).cause ?? (error as Error).message}`, null);
    }
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(response.status, 'BAD_RESPONSE', `the hub answered ${response.status} with a body that is not JSON`, text);
    }
    if (!response.ok) {
      throw new ApiError(response.status, parsed?.error?.code ?? `HTTP_${response.status}`, parsed?.error?.message ?? response.statusText, parsed);
    }
    return parsed;
  }
}
