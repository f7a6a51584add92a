import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** `bench/results/` (gitignored): one JSON file per run. */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

/** Writes `<kind>-<timestamp>.json` under `bench/results/` and returns its path. */
export async function writeResults(kind: string, startedAt: Date, data: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const path = `${RESULTS_DIR}${kind}-${stamp}.json`;
  await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
