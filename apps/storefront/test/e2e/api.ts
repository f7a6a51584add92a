import { randomUUID } from 'node:crypto';
import type { DemoCredentials } from './server.js';

/** Set-up steps through the HTTP API, for what a test needs in place but does not test (products, stock). */
export class ApiSetup {
  private constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  static async signIn(base: string, account: DemoCredentials): Promise<ApiSetup> {
    const response = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    if (!response.ok) throw new Error(`sign-in of ${account.email} failed: ${response.status} ${await response.text()}`);
    return new ApiSetup(base, ((await response.json()) as { accessToken: string }).accessToken);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (!response.ok) throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** The raw answer, whatever its status (for checks of refusals). */
  send(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        'idempotency-key': randomUUID(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** A product with `units` in stock, on sale from `saleStartsAt` (ISO) or at once. Returns its id. */
  async product(name: string, units: number, options: { saleStartsAt?: string; limit?: number; price?: number } = {}): Promise<string> {
    const { product } = await this.call<{ product: { id: string } }>('POST', '/api/products', {
      name,
      description: `${name}: a limited run.`,
      price: { amount: options.price ?? 4_500, currency: 'USD' },
      maxQuantityPerCustomer: options.limit ?? 0,
      active: true,
      saleStartsAt: options.saleStartsAt ?? null,
    });
    if (units > 0) await this.call('POST', '/api/inventory/restock', { productId: product.id, quantity: units });
    return product.id;
  }
}
