import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleBuilds } from './server-build.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A file at `path` under `root`, last modified `secondsAgo` seconds ago. */
const file = (root: string, path: string, secondsAgo: number) => {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  const at = Date.now() / 1000 - secondsAgo;
  utimesSync(full, at, at);
};

/** A workspace package with a build: package.json, tsconfig.build.json and a source file. */
const buildablePackage = (root: string, path: string, sourceSecondsAgo: number) => {
  file(root, `${path}/package.json`, 1000);
  file(root, `${path}/tsconfig.build.json`, 1000);
  file(root, `${path}/src/index.ts`, sourceSecondsAgo);
};

describe('staleBuilds', () => {
  it('names the packages whose dist is missing or older than a source, across apps, packages, adapters and plugins', () => {
    const root = mkdtempSync(join(tmpdir(), 'drop-build-'));
    roots.push(root);
    buildablePackage(root, 'packages/core', 100);
    file(root, 'packages/core/dist/index.js', 50); // built after its source
    buildablePackage(root, 'packages/adapters/redis', 10);
    file(root, 'packages/adapters/redis/dist/index.js', 50); // a source edited since
    buildablePackage(root, 'packages/plugins/auth-jwt', 100); // never built
    buildablePackage(root, 'apps/reference-server', 100);
    file(root, 'apps/reference-server/dist/cli.js', 50);
    file(root, 'apps/reference-server/src/app.test.ts', 1); // tests are not compiled
    file(root, 'apps/storefront/package.json', 1); // no tsconfig.build.json: not a server package
    file(root, 'apps/storefront/src/main.ts', 1);

    expect(staleBuilds(root).sort()).toEqual(['packages/adapters/redis', 'packages/plugins/auth-jwt']);
  });

  it('finds a newer source in a nested folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'drop-build-'));
    roots.push(root);
    buildablePackage(root, 'packages/adapters/postgres', 100);
    file(root, 'packages/adapters/postgres/dist/index.js', 50);
    expect(staleBuilds(root)).toEqual([]);
    file(root, 'packages/adapters/postgres/src/stores/orders.ts', 5);
    expect(staleBuilds(root)).toEqual(['packages/adapters/postgres']);
  });
});
