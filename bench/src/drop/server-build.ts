import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The workspace folders whose `dist/` the reference server loads, relative to the repository root. */
const SERVER_PACKAGE_PARENTS = ['apps', 'packages', 'packages/adapters', 'packages/plugins'];

/** Newest modification time (ms) of the files under `dir` that `keep` accepts; 0 for none or no folder. */
function newestMtime(dir: string, keep: (name: string) => boolean = () => true): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !keep(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const isCompiledSource = (name: string) => name.endsWith('.ts') && !name.endsWith('.test.ts');

/**
 * Workspace packages with a `src/` and a build whose `dist/` is missing or older than a source file in `src/`
 * (tests excluded: they are not compiled). tsc rewrites every output file, so the newest file in `dist/` is
 * when the package was last built.
 */
export function staleBuilds(repoRoot: string): string[] {
  const stale: string[] = [];
  for (const parent of SERVER_PACKAGE_PARENTS) {
    const parentDir = join(repoRoot, parent);
    if (!existsSync(parentDir)) continue;
    for (const entry of readdirSync(parentDir, { withFileTypes: true })) {
      const dir = join(parentDir, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'tsconfig.build.json'))) continue;
      const built = newestMtime(join(dir, 'dist'));
      if (built === 0 || newestMtime(join(dir, 'src'), isCompiledSource) > built) stale.push(join(parent, entry.name));
    }
  }
  return stale;
}

/**
 * Makes sure the compiled packages are those of the current sources: runs `pnpm build` (output to `logFile`)
 * when any of them is stale.
 */
export async function ensureBuilt(repoRoot: string, logFile: string, log: (line: string) => void): Promise<void> {
  const stale = staleBuilds(repoRoot);
  if (stale.length === 0) return;
  log(`building the server packages (pnpm build: ${stale.join(', ')} older than their sources; log: ${logFile})`);
  const out = openSync(logFile, 'a');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('pnpm', ['build'], { cwd: repoRoot, stdio: ['ignore', out, out] });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`pnpm build failed with exit code ${code} (log: ${logFile})`);
  } finally {
    closeSync(out);
  }
}
