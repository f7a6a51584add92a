import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { areaOf, summariseProfiles } from './cpu-profile.js';

const ROOT = '/repo';

describe('areaOf', () => {
  it('names packages, workspace folders and Node internals', () => {
    expect(areaOf('file:///repo/node_modules/.pnpm/pg@8.23.1/node_modules/pg/lib/client.js', ROOT)).toBe('pg');
    expect(areaOf('file:///repo/node_modules/.pnpm/x/node_modules/@hono/node-server/dist/index.mjs', ROOT)).toBe('@hono/node-server');
    expect(areaOf('file:///repo/apps/reference-server/src/http/auth.ts', ROOT)).toBe('apps/reference-server');
    expect(areaOf('file:///repo/packages/adapters/postgres/src/stock-gate.ts', ROOT)).toBe('packages/adapters/postgres');
    expect(areaOf('node:events', ROOT)).toBe('node internals');
    expect(areaOf('', ROOT)).toBe('native / V8');
  });
});

describe('summariseProfiles', () => {
  it('sums self time per function, leaves idle out and charges native frames to their JS caller', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drop-profile-test-'));
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0, scriptId: '0' });
    writeFileSync(
      join(dir, 'app-1.cpuprofile'),
      JSON.stringify({
        nodes: [
          { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
          { id: 2, callFrame: frame('query', 'file:///repo/node_modules/pg/lib/client.js'), children: [3] },
          { id: 3, callFrame: frame('writev', ''), children: [] },
          { id: 4, callFrame: frame('(idle)', ''), children: [] },
        ],
        samples: [3, 3, 2, 4, 4, 4],
        timeDeltas: [1000, 1000, 2000, 5000, 5000, 5000],
      }),
    );
    const summary = summariseProfiles(dir, ROOT);
    expect(summary.files).toEqual(['app-1.cpuprofile']);
    expect(summary.busyMs).toBe(4);
    expect(summary.functions.map((fn) => [fn.name, fn.selfMs])).toEqual([
      ['writev (native)', 2],
      ['query (node_modules/pg/lib/client.js:1)', 2],
    ]);
    expect(summary.callers).toEqual([{ area: 'pg', selfMs: 4, share: 1 }]);
  });
});
