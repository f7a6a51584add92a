import { Pool } from 'undici';

/** A small JSON client for the setup and verification calls (not the measured load). */
export class ApiClient {
  readonly #pool: Pool;

  constructor(url: string, connections = 64) {
    this.#pool = new Pool(url, { connections, pipelining: 1 });
  }

  /** Sends a JSON request and returns status and parsed body; `expect` lists the statuses that are not errors. */
  async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    { token, body, headers = {}, expect = [200] }: { token?: string; body?: unknown; headers?: Record<string, string>; expect?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    const response = await this.#pool.request({
      method,
      path,
      headers: {
        ...headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    if (!expect.includes(response.statusCode)) {
      throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 500)}`);
    }
    return { status: response.statusCode, body: (text ? JSON.parse(text) : null) as T };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** Polls until `probe` is true or the deadline passes; true when it became true. */
export async function pollUntil(probe: () => Promise<boolean>, { timeoutMs, intervalMs = 100 }: { timeoutMs: number; intervalMs?: number }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
