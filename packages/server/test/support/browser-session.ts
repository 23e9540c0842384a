/**
 * A back-office client over plain HTTP that behaves like a browser on our pages: it keeps the
 * cookies the hub sets and echoes the CSRF cookie in X-CSRF-Token. Tests use its knobs to act
 * like a forger instead (no header, someone else's token, another Origin, another address).
 */
import { request as httpRequest } from 'node:http';

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class BrowserSession {
  readonly base: string;
  readonly cookies = new Map<string, string>();
  /** The client address to connect from (any 127.x.y.z is loopback on Linux). */
  localAddress: string | undefined;

  constructor(base: string, localAddress?: string) {
    this.base = base;
    this.localAddress = localAddress;
  }

  get csrf(): string | undefined {
    return this.cookies.get('dg_csrf');
  }

  async call(method: string, path: string, body?: unknown, options: { csrf?: string | null; origin?: string; cookies?: Map<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    const jar = options.cookies ?? this.cookies;
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (method !== 'GET' && csrf !== null && csrf !== undefined) headers['x-csrf-token'] = csrf;
    if (options.origin) headers.origin = options.origin;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const url = new URL(path, this.base);
    const answer = await new Promise<{ status: number; headers: Answer['headers']; text: string }>((resolve, reject) => {
      const req = httpRequest(url, { method, headers, localAddress: this.localAddress }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(payload);
    });
    for (const line of (answer.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    let parsed: unknown = answer.text;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      // not JSON
    }
    return { status: answer.status, body: parsed, headers: answer.headers, text: answer.text };
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: unknown = {}) => this.call('POST', path, body);

  async signInOperator(token: string): Promise<Answer> {
    return this.post('/console/v1/session', { token });
  }

  async signInMerchant(email: string, password: string): Promise<Answer> {
    return this.post('/cabinet/v1/session', { email, password });
  }
}
