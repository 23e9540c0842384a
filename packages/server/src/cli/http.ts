/** The operator API, as the CLI calls it: JSON over the SDK's HTTP client with an API key or the bootstrap key. */
import { STATUS_CODES } from 'node:http';
import { HttpClient, TransportError, type HttpAnswer } from '@dropgate/sdk';

/** Stock uploads and audits over a large history take a while; a hub that is down fails at once anyway. */
const TIMEOUT_MS = 60_000;

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
  readonly #http: HttpClient;
  readonly #authorization: string;

  constructor(baseUrl: string, token: string) {
    this.#base = `${baseUrl.replace(/\/+$/, '')}/admin/v1`;
    this.#authorization = `Bearer ${token}`;
    // No cap on an answer's size: an operator may list a whole catalog or order history.
    this.#http = new HttpClient({
      baseUrl: this.#base, authorization: `Bearer ${token}`, timeoutMs: TIMEOUT_MS, maxBodyBytes: Infinity, followRedirects: true,
    });
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown = {}) => this.request('POST', path, body);
  put = (path: string, body: unknown) => this.request('PUT', path, body);
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);

  /**
   * A POST whose answer is a file, not JSON (the backup): streamed to `sink` as it arrives, with
   * no overall timeout (a large database takes a while); an error answer is read as usual.
   */
  async download(path: string, sink: NodeJS.WritableStream, onHeaders: (headers: Headers) => void, onBytes: (bytes: number) => void): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, { method: 'POST', headers: { authorization: this.#authorization } });
    } catch (error) {
      throw new ApiError(0, 'UNREACHABLE', `cannot reach the hub at ${this.#base}: ${(error as Error).message}`, null);
    }
    if (!response.ok || !response.body) {
      const text = await response.text();
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      throw new ApiError(response.status, parsed?.error?.code ?? `HTTP_${response.status}`, parsed?.error?.message ?? (STATUS_CODES[response.status] ?? ''), parsed);
    }
    onHeaders(response.headers);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        onBytes(chunk.byteLength);
        if (!sink.write(chunk)) await new Promise((resolve) => sink.once('drain', resolve));
      }
    } catch (error) {
      throw new ApiError(0, 'INCOMPLETE', `the hub stopped sending the backup: ${(error as Error).message}`, null);
    }
  }

  async request(method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.#send(method, path, body);
    if (answer.text !== '' && answer.body === undefined) {
      throw new ApiError(answer.status, 'BAD_RESPONSE', `the hub answered ${answer.status} with a body that is not JSON`, answer.text);
    }
    const parsed: any = answer.text === '' ? {} : answer.body;
    if (answer.status < 200 || answer.status >= 300) {
      const message = parsed?.error?.message ?? STATUS_CODES[answer.status] ?? '';
      throw new ApiError(answer.status, parsed?.error?.code ?? `HTTP_${answer.status}`, message, parsed);
    }
    return parsed;
  }

  /** A GET whose answer is text (a CSV export); an error answer is the hub's JSON error. */
  async text(path: string): Promise<string> {
    const answer = await this.#send('GET', path);
    if (answer.status >= 200 && answer.status < 300) return answer.text;
    const parsed: any = answer.body;
    throw new ApiError(answer.status, parsed?.error?.code ?? `HTTP_${answer.status}`, parsed?.error?.message ?? STATUS_CODES[answer.status] ?? '', parsed);
  }

  async #send(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    try {
      return await this.#http.send({ method, path, body });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      throw new ApiError(0, 'UNREACHABLE', `cannot reach the hub at ${this.#base}: ${error.message}`, null);
    }
  }
}
