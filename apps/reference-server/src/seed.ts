import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Engine, isLimitedCartError, type ProductInput, type Role } from '@limitedcart/core';
import type { AccountService } from '@limitedcart/plugin-auth-jwt';

export interface DemoAccount {
  readonly email: string;
  readonly roles: readonly Role[];
  /** null when the account existed before this data dir remembered its password. */
  readonly password: string | null;
}

export interface SeedResult {
  readonly accounts: readonly DemoAccount[];
  /** Products this run created (empty on a restart). */
  readonly created: readonly string[];
  readonly dropProductId: string;
}

/** Fixed ids make the seed idempotent: a restart finds its products instead of adding copies. */
export const DEMO_PRODUCT_IDS = {
  drop: '00000000-0000-4000-8000-00000000d201',
  tee: '00000000-0000-4000-8000-00000000d202',
  tote: '00000000-0000-4000-8000-00000000d203',
  pins: '00000000-0000-4000-8000-00000000d204',
} as const;

interface DemoProduct {
  readonly input: ProductInput & { readonly id: string };
  readonly units: number;
}

const catalogue = (now: Date): DemoProduct[] => [
  {
    input: {
      id: DEMO_PRODUCT_IDS.drop,
      name: 'Genesis Runner — limited drop',
      description: 'The launch sneaker: 100 pairs, one per customer. Goes on sale a minute after the first start.',
      price: { amount: 18_900, currency: 'USD' },
      maxQuantityPerCustomer: 1,
      active: true,
      saleStartsAt: new Date(now.getTime() + 60_000),
    },
    units: 100,
  },
  {
    input: {
      id: DEMO_PRODUCT_IDS.tee,
      name: 'Everyday Tee',
      description: 'Heavyweight cotton t-shirt in washed black.',
      price: { amount: 3_500, currency: 'USD' },
      maxQuantityPerCustomer: 5,
      active: true,
    },
    units: 500,
  },
  {
    input: {
      id: DEMO_PRODUCT_IDS.tote,
      name: 'Canvas Tote Bag',
      description: 'Sturdy canvas tote with an inner pocket.',
      price: { amount: 2_400, currency: 'USD' },
      maxQuantityPerCustomer: 3,
      active: true,
    },
    units: 300,
  },
  {
    input: {
      id: DEMO_PRODUCT_IDS.pins,
      name: 'Enamel Pin Set',
      description: 'Three hard-enamel pins from the launch artwork.',
      price: { amount: 1_200, currency: 'USD' },
      maxQuantityPerCustomer: 0,
      active: true,
    },
    units: 1_000,
  },
];

const DEMO_ACCOUNTS: readonly { email: string; roles: Role[] }[] = [
  { email: 'shopper@limitedcart.dev', roles: ['USER'] },
  { email: 'warehouse@limitedcart.dev', roles: ['WAREHOUSE'] },
  { email: 'admin@limitedcart.dev', roles: ['ADMIN'] },
];

/**
 * Demo passwords are random per installation (never a well-known default an exposed instance would accept),
 * remembered beside the data (0600) so every start can print them.
 */
async function demoPasswords(dataDir: string | null): Promise<{ passwords: Record<string, string>; save: () => Promise<void> }> {
  const file = dataDir === null ? null : join(dataDir, 'demo-accounts.json');
  const passwords: Record<string, string> =
    file === null ? {} : await readFile(file, 'utf8').then((text) => JSON.parse(text) as Record<string, string>, () => ({}));
  return {
    passwords,
    save: async () => {
      if (file === null || dataDir === null) return;
      await mkdir(dataDir, { recursive: true });
      await writeFile(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
    },
  };
}

/**
 * Seeds the demo catalogue (one drop plus a few everyday products, each restocked once) and one account per
 * role. Idempotent: existing products and accounts are left as they are, restocks use fixed operation ids.
 */
export async function seedDemo(deps: { engine: Engine; accounts: AccountService; dataDir: string | null }): Promise<SeedResult> {
  const { engine, accounts } = deps;
  const created: string[] = [];
  for (const { input, units } of catalogue(new Date())) {
    // The ids are fixed: a product seeded by an earlier start is left as it is.
    const fresh = await engine.useCases.createProduct(input).then(
      () => true,
      (error: unknown) => {
        if (isLimitedCartError(error, 'CONFLICT')) return false;
        throw error;
      },
    );
    if (fresh) created.push(input.id);
    await engine.useCases.restock({ productId: input.id, quantity: units, opId: `seed:${input.id}` });
  }

  const { passwords, save } = await demoPasswords(deps.dataDir);
  const seeded: DemoAccount[] = [];
  let changed = false;
  for (const { email, roles } of DEMO_ACCOUNTS) {
    const password = randomBytes(9).toString('base64url');
    if ((await accounts.ensureAccount({ email, password, roles })).created) {
      passwords[email] = password;
      changed = true;
    }
    seeded.push({ email, roles, password: passwords[email] ?? null });
  }
  if (changed) await save();
  return { accounts: seeded, created, dropProductId: DEMO_PRODUCT_IDS.drop };
}
