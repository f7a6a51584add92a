import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const STOREFRONT_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_DIR = join(STOREFRONT_DIR, 'dist');
const LOCK_DIR = join(STOREFRONT_DIR, 'node_modules', '.e2e-build-lock');
const LOCK_STALE_MS = 120_000;

const newestMtime = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
};

// The typed API client (packages/client) is bundled from its sources.
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', '../../packages/client/src'].map((name) => join(STOREFRONT_DIR, name));

/** true when `dist/` is missing or older than any source of the build. */
export const isStale = (): boolean => {
  const built = join(DIST_DIR, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((source) => existsSync(source) && newestMtime(source) > builtAt);
};

/**
 * Builds the storefront (`vite build`) when `dist/` is stale. Test files run in parallel processes, so a
 * directory lock lets one of them build while the others wait and then find the build fresh.
 */
export async function ensureBuilt(): Promise<void> {
  for (;;) {
    if (!isStale()) return;
    try {
      mkdirSync(LOCK_DIR, { recursive: false });
    } catch {
      // Someone else builds; a lock left by a crashed run is taken over after a while.
      if (existsSync(LOCK_DIR) && Date.now() - statSync(LOCK_DIR).mtimeMs > LOCK_STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (!isStale()) return;
      const vite = join(STOREFRONT_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
      const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: STOREFRONT_DIR, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`storefront build failed:\n${result.stdout}\n${result.stderr}`);
      return;
    } finally {
      rmSync(LOCK_DIR, { recursive: true, force: true });
    }
  }
}
