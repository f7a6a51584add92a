import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_COMMANDS, ENV_KEYS } from '@limitedcart/reference-server/deploy-contract';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { OVERLAYS, overlayDir } from '../src/commands.js';

const kustomize = process.env.KUSTOMIZE_BIN;
const validator = process.env.KUBERNETES_VALIDATE_BIN;
if (process.env.CI && (!kustomize || !validator)) {
  throw new Error('KUSTOMIZE_BIN and KUBERNETES_VALIDATE_BIN must be set in CI (scripts/tools/deploy-tools.sh)');
}
const tools = kustomize && validator;

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string }[];
}

const render = (overlay: string): { yaml: string; manifests: Manifest[] } => {
  const yaml = execFileSync(kustomize!, ['build', overlayDir(overlay as (typeof OVERLAYS)[number])], { encoding: 'utf8' });
  return { yaml, manifests: parseAllDocuments(yaml).map((doc) => doc.toJS() as Manifest) };
};

const podSpecOf = (m: Manifest): { containers: Container[] } | null => {
  const spec = m.spec as { template?: { spec?: { containers: Container[] } } } | undefined;
  return spec?.template?.spec ?? null;
};

const serverContainers = (manifests: Manifest[]) =>
  manifests.flatMap((m) => (podSpecOf(m)?.containers ?? []).filter((c) => c.image.startsWith('limitedcart/server')));

describe.skipIf(!tools)('deployment manifests', () => {
  for (const overlay of OVERLAYS) {
    describe(`overlay ${overlay}`, () => {
      const { yaml, manifests } = tools ? render(overlay) : { yaml: '', manifests: [] };

      it('validates strictly against the Kubernetes schemas', () => {
        const file = join(mkdtempSync(join(tmpdir(), 'lc-k8s-')), `${overlay}.yaml`);
        writeFileSync(file, yaml);
        const result = spawnSync(validator!, ['--strict', '--quiet', file], { encoding: 'utf8' });
        expect(result.stdout + result.stderr).toBe('');
        expect(result.status).toBe(0);
      });

      it('uses only environment variables the server understands', () => {
        const known = new Set<string>(ENV_KEYS);
        const used = new Set<string>();
        for (const m of manifests) {
          if (m.kind === 'ConfigMap' && m.metadata.name === 'limitedcart-config') for (const k of Object.keys(m.data ?? {})) used.add(k);
          if (m.kind === 'Secret' && m.metadata.name === 'limitedcart-secrets') for (const k of Object.keys(m.stringData ?? {})) used.add(k);
        }
        for (const c of serverContainers(manifests)) for (const e of c.env ?? []) used.add(e.name);
        expect(used.size).toBeGreaterThan(3);
        expect([...used].filter((key) => !known.has(key))).toEqual([]);
      });

      it('runs the server image only with commands its CLI has, and probes health endpoints', () => {
        const containers = serverContainers(manifests);
        expect(containers.length).toBeGreaterThan(0);
        for (const c of containers) expect(CLI_COMMANDS).toContain(c.args?.[0]);
        for (const m of manifests.filter((m) => m.kind === 'Deployment' && m.metadata.name.startsWith('limitedcart-'))) {
          const server = podSpecOf(m)?.containers.find((c) => c.name === 'server') as
            | (Container & { readinessProbe?: { httpGet?: { path: string } }; livenessProbe?: { httpGet?: { path: string } } })
            | undefined;
          if (!server) continue;
          expect(server.readinessProbe?.httpGet?.path).toBe('/readyz');
          expect(server.livenessProbe?.httpGet?.path).toBe('/healthz');
        }
      });

      it('commits no real secrets', () => {
        for (const m of manifests.filter((m) => m.kind === 'Secret')) {
          for (const value of Object.values(m.stringData ?? {})) expect(value).toMatch(/replace-me/);
        }
      });
    });
  }

  it('gives the api an HPA that can work (CPU requests set) only in production', () => {
    const production = render('production').manifests;
    const hpa = production.find((m) => m.kind === 'HorizontalPodAutoscaler');
    expect(hpa).toBeDefined();
    const api = production.find((m) => m.kind === 'Deployment' && m.metadata.name === 'limitedcart-api');
    const server = podSpecOf(api!)!.containers[0] as Container & { resources?: { requests?: { cpu?: string } } };
    expect(server.resources?.requests?.cpu).toBeTruthy();
    const embedded = render('embedded').manifests;
    expect(embedded.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name)).toEqual(['limitedcart-api']);
    expect(embedded.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });
});

describe('image and compose', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  it('the image entrypoint is the server CLI and compose uses only CLI commands and known env names', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "dist\/cli\.js"\]/);
    expect(dockerfile).toMatch(/^USER node$/m);
    const cmd = /^CMD \["(\w+)"\]/m.exec(dockerfile)?.[1];
    expect(CLI_COMMANDS).toContain(cmd);
    const compose = parseAllDocuments(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true })[0]!.toJS({ maxAliasCount: -1 }) as {
      services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
    };
    const servers = Object.values(compose.services).filter((s) => s.image?.startsWith('limitedcart/server'));
    expect(servers.length).toBe(4);
    for (const s of servers) {
      expect(CLI_COMMANDS).toContain(s.command?.[0]);
      expect(Object.keys(s.environment ?? {}).filter((k) => !(ENV_KEYS as readonly string[]).includes(k))).toEqual([]);
    }
  });
});

describe('manager CLI', () => {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env });

  it('says clearly which tool is missing', () => {
    const result = run(['bootstrap'], { ...process.env, PATH: '/nonexistent' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/docker is not installed or not on PATH/);
  });

  it('plans a deploy as migrate-then-rollout (dry run)', () => {
    const result = run(['deploy', '--dry-run']);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^kubectl apply -k .*overlays\/production$/);
    expect(lines[1]).toMatch(/wait --for=condition=complete job\/limitedcart-migrate/);
    expect(lines.slice(2).map((l) => /deployment\/limitedcart-(\w+)/.exec(l)?.[1])).toEqual(['api', 'worker', 'relay']);
  });

  it('rejects unknown roles and malformed config', () => {
    expect(run(['deploy-service', 'db', '--dry-run']).status).toBe(1);
    expect(run(['config', 'NOPE', '--dry-run']).stderr).toMatch(/KEY=VALUE/);
    expect(run(['config', 'LOG_LEVEL=debug', '--dry-run']).stdout).toMatch(/patch configmap limitedcart-config/);
  });
});
