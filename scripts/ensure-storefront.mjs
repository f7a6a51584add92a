// Part of the start command: makes sure the storefront the server serves at `/` is built and current. Builds it
// (`vite build`, then `precompress.mjs`) when `apps/storefront/dist` is missing or older than any of its sources, and
// says so; otherwise says the build is current. Skipped when STOREFRONT_DIR points the server at another build.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'apps', 'storefront');
const dist = join(app, 'dist');
const builtIndex = join(dist, 'index.html');
const say = (message) => console.log(`storefront: ${message}`);

if (process.env.STOREFRONT_DIR) {
  say(`STOREFRONT_DIR is set (${process.env.STOREFRONT_DIR}); not building apps/storefront`);
  process.exit(0);
}

/** The newest file among the storefront's sources: everything in its folder but the build, dependencies and tests. */
function newestSource(dir, newest = { path: null, mtimeMs: 0 }) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['dist', 'node_modules', 'test'].includes(entry.name) && dir === app) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newestSource(path, newest);
    else if (entry.isFile()) {
      const { mtimeMs } = statSync(path);
      if (mtimeMs > newest.mtimeMs) Object.assign(newest, { path, mtimeMs });
    }
  }
  return newest;
}

let builtAt = null;
try {
  builtAt = statSync(builtIndex).mtimeMs;
} catch {}
// The typed API client is built into the storefront from its sources, so it counts as one of them.
const source = newestSource(join(root, 'packages', 'client', 'src'), newestSource(app));
const reason =
  builtAt === null
    ? 'no build found (apps/storefront/dist)'
    : source.mtimeMs > builtAt
      ? `the build is older than ${relative(root, source.path)}`
      : null;

const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`storefront: \`${[command, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
};

if (reason === null) {
  say('the build in apps/storefront/dist is current');
} else {
  say(`${reason}; building it…`);
  const started = Date.now();
  run('pnpm', ['--filter', '@limitedcart/storefront', 'run', 'build']);
  say(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
// Cheap when nothing changed: precompressed files newer than their source are kept.
run(process.execPath, [join(root, 'scripts', 'precompress.mjs'), dist]);
