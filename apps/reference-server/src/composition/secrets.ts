import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServerSecrets {
  readonly jwtKey: string;
  readonly webhookSecret: string;
  /** Signs the admission tokens of queued drops (and, derived from it, their proof-of-work challenges). */
  readonly admissionTokenKey: string;
}

/** The embedded profile's secrets: the server's, and the password of the bundled Postgres superuser. */
export interface EmbeddedSecrets extends ServerSecrets {
  readonly postgresPassword: string;
}

type StoredSecrets = Partial<Record<keyof EmbeddedSecrets, string>>;

export interface SecretsFromEnv {
  readonly jwtKey?: string | undefined;
  readonly webhookSecret?: string | undefined;
  readonly admissionTokenKey?: string | undefined;
}

const generate = (): string => randomBytes(48).toString('base64url');

/** Where the embedded profile keeps its generated secrets. */
export const secretsFile = (dataDir: string): string => join(dataDir, 'secrets.json');

async function readStored(file: string): Promise<StoredSecrets> {
  return readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as StoredSecrets,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return {};
      throw error;
    },
  );
}

/**
 * Secrets of the embedded profile: taken from the environment when set, otherwise generated once with the
 * system CSPRNG and kept in `<dataDir>/secrets.json` (mode 0600), so tokens, payment links and the database
 * password survive restarts. The file lives beside the database it protects and is never part of the source tree.
 */
export async function loadOrCreateSecrets(dataDir: string, fromEnv: SecretsFromEnv): Promise<EmbeddedSecrets> {
  const file = secretsFile(dataDir);
  const stored = await readStored(file);
  const toStore: StoredSecrets = { ...stored };
  // A value given in the environment is used and never written down; a missing one is generated and kept.
  const pick = (key: keyof StoredSecrets, given: string | undefined): string => {
    if (given !== undefined) return given;
    toStore[key] ??= generate();
    return toStore[key];
  };
  const secrets = {
    jwtKey: pick('jwtKey', fromEnv.jwtKey),
    webhookSecret: pick('webhookSecret', fromEnv.webhookSecret),
    admissionTokenKey: pick('admissionTokenKey', fromEnv.admissionTokenKey),
    postgresPassword: pick('postgresPassword', undefined),
  };
  if (Object.keys(toStore).some((key) => stored[key as keyof StoredSecrets] === undefined)) {
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    await writeFile(file, `${JSON.stringify(toStore, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return secrets;
}

/** Secrets for a process that keeps nothing on disk (memory profile): from the environment or fresh. */
export const ephemeralSecrets = (fromEnv: SecretsFromEnv): ServerSecrets => ({
  jwtKey: fromEnv.jwtKey ?? generate(),
  webhookSecret: fromEnv.webhookSecret ?? generate(),
  admissionTokenKey: fromEnv.admissionTokenKey ?? generate(),
});
