import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { secretProblem } from '@limitedcart/reference-server/deploy-contract';
import type { Overlay } from './commands.js';

/**
 * Secrets are generated on the machine that deploys, never committed: the compose file and the manifests only
 * name them. Each value is 48 random bytes (base64url), far above what the server's secret policy asks.
 */
export const generateSecret = (): string => randomBytes(48).toString('base64url');

/** Where `compose-secrets` writes the values `docker compose` substitutes into deploy/docker-compose.yml. */
export const COMPOSE_ENV_FILE = fileURLToPath(new URL('../.env', import.meta.url));

/** Variables deploy/docker-compose.yml takes from deploy/.env. */
export const COMPOSE_SECRET_KEYS = ['POSTGRES_PASSWORD', 'JWT_KEY', 'PAYMENT_WEBHOOK_SECRET', 'ADMISSION_TOKEN_KEY', 'METRICS_TOKEN'] as const;

/** One Kubernetes Secret the overlay's pods read. */
export interface SecretPlan {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * The Secrets an overlay needs, with fresh values. The embedded overlay generates its own keys into its data volume
 * (as `pnpm start` does), so it gets only the metrics token; production gets the server's keys, the in-cluster
 * Postgres password and the DATABASE_URL built from it.
 */
export function secretsFor(overlay: Overlay): SecretPlan[] {
  const metrics = { METRICS_TOKEN: generateSecret() };
  if (overlay === 'embedded') return [{ name: 'limitedcart-secrets', data: metrics }];
  const postgresPassword = generateSecret();
  return [
    { name: 'limitedcart-infra-secrets', data: { POSTGRES_PASSWORD: postgresPassword } },
    {
      name: 'limitedcart-secrets',
      data: {
        JWT_KEY: generateSecret(),
        PAYMENT_WEBHOOK_SECRET: generateSecret(),
        ADMISSION_TOKEN_KEY: generateSecret(),
        ...metrics,
        DATABASE_URL: `postgres://postgres:${postgresPassword}@limitedcart-postgres:5432/limitedcart`,
      },
    },
  ];
}

/** A Secret manifest for `kubectl apply -f -` (on stdin, so values never appear in a command line or a log). */
export const secretManifest = (plan: SecretPlan, namespace: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: plan.name, namespace, labels: { 'app.kubernetes.io/part-of': 'limitedcart' } },
    type: 'Opaque',
    stringData: plan.data,
  });

/**
 * Writes deploy/.env for docker compose: keeps values already there, adds the missing ones, mode 0600. Returns
 * the names it added (never the values). Refuses to keep a value the server would refuse anyway.
 */
export async function writeComposeEnv(file: string = COMPOSE_ENV_FILE): Promise<string[]> {
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const lines = existing.split('\n').filter((line) => line.trim() !== '');
  const present = new Map(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  for (const key of COMPOSE_SECRET_KEYS) {
    const value = present.get(key);
    const problem = value === undefined || key === 'POSTGRES_PASSWORD' ? null : secretProblem(value);
    if (problem !== null) throw new Error(`${file}: ${key} is unusable (${problem}); remove the line to have it generated`);
  }
  const added = COMPOSE_SECRET_KEYS.filter((key) => !present.has(key));
  for (const key of added) lines.push(`${key}=${generateSecret()}`);
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return added;
}
