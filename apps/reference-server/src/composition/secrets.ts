import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServerSecrets {
  readonly jwtKey: string;
  readonly webhookSecret: string;
}

interface StoredSecrets {
  jwtKey?: string;
  webhookSecret?: string;
}

const generate = (): string => randomBytes(48).toString('base64url');

/**
 * Secrets of the embedded profile: taken from the environment when set, otherwise generated once with the
 * system CSPRNG and kept in `<dataDir>/secrets.json` (mode 0600), so tokens and payment links survive restarts.
 * The file lives beside the database it protects and is never part of the source tree.
 */
export async function loadOrCreateSecrets(
  dataDir: string,
  fromEnv: { jwtKey?: string | undefined; webhookSecret?: string | undefined },
): Promise<ServerSecrets> {
  const file = join(dataDir, 'secrets.json');
  const stored = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as StoredSecrets,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return {} as StoredSecrets;
      throw error;
    },
  );
  const secrets = {
    jwtKey: fromEnv.jwtKey ?? stored.jwtKey ?? generate(),
    webhookSecret: fromEnv.webhookSecret ?? stored.webhookSecret ?? generate(),
  };
  const needsWrite = stored.jwtKey === undefined || stored.webhookSecret === undefined;
  if (needsWrite) {
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    const toStore: StoredSecrets = {
      jwtKey: stored.jwtKey ?? (fromEnv.jwtKey === undefined ? secrets.jwtKey : undefined),
      webhookSecret: stored.webhookSecret ?? (fromEnv.webhookSecret === undefined ? secrets.webhookSecret : undefined),
    };
    await writeFile(file, `${JSON.stringify(toStore, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return secrets;
}

/** Secrets for a process that keeps nothing on disk (memory profile): from the environment or fresh. */
export const ephemeralSecrets = (fromEnv: { jwtKey?: string | undefined; webhookSecret?: string | undefined }): ServerSecrets => ({
  jwtKey: fromEnv.jwtKey ?? generate(),
  webhookSecret: fromEnv.webhookSecret ?? generate(),
});
