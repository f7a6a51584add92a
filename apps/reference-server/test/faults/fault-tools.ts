import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const canRun = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const found = (tool: string): boolean =>
  tool.includes('/') ? canRun(tool) : (process.env.PATH ?? '').split(delimiter).some((dir) => canRun(join(dir, tool)));

/**
 * What the fault battery needs from the machine, or null when all is there: Debian's cluster tools (a private
 * Postgres it may stop and kill), redis-server (a private Redis), faketime (a process with its own clock), and
 * root (pg_createcluster runs the cluster as the postgres user). `scripts/tools/faults.sh` installs the tools.
 */
export function faultToolsMissing(): string | null {
  const tools = ['pg_createcluster', 'pg_ctlcluster', 'pg_dropcluster', 'redis-server', process.env.FAKETIME_BIN ?? 'faketime'];
  const absent = tools.filter((tool) => !found(tool));
  if (absent.length > 0) return `${absent.join(', ')} not found`;
  if (process.getuid?.() !== 0) return 'pg_createcluster needs root';
  return null;
}
