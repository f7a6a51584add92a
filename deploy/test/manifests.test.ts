import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_COMMANDS, ENV_KEYS, secretProblem } from '@limitedcart/reference-server/deploy-contract';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { OVERLAYS, overlayDir } from '../src/commands.js';
import { COMPOSE_SECRET_KEYS, secretManifest, secretsFor, writeComposeEnv } from '../src/secrets.js';

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

interface SecretConsumer {
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
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
        }
        // The Secret the server reads is the one the manager generates for this overlay.
        const generated = secretsFor(overlay).find((plan) => plan.name === 'limitedcart-secrets');
        for (const k of Object.keys(generated?.data ?? {})) used.add(k);
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

      it('commits no Secret: applying the overlay never writes or overwrites one', () => {
        expect(manifests.filter((m) => m.kind === 'Secret').map((m) => m.metadata.name)).toEqual([]);
        expect(yaml).not.toMatch(/JWT_KEY|PAYMENT_WEBHOOK_SECRET|METRICS_TOKEN|DATABASE_URL|POSTGRES_PASSWORD:/);
      });

      it('references only Secrets the manager generates, with keys it generates', () => {
        const plans = new Map(secretsFor(overlay).map((plan) => [plan.name, new Set(Object.keys(plan.data))]));
        const containers = manifests.flatMap((m) => (podSpecOf(m)?.containers ?? []) as SecretConsumer[]);
        const keyRefs = containers.flatMap((c) => (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : [])));
        const secretRefs = containers.flatMap((c) => (c.envFrom ?? []).flatMap((e) => (e.secretRef ? [e.secretRef.name] : [])));
        expect(keyRefs.length + secretRefs.length).toBeGreaterThan(0);
        for (const ref of keyRefs) expect(plans.get(ref.name)?.has(ref.key), `${ref.name}.${ref.key}`).toBe(true);
        for (const name of secretRefs) expect(plans.has(name), name).toBe(true);
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

const SECRET_NAMES = 'JWT_KEY|PAYMENT_WEBHOOK_SECRET|ADMISSION_TOKEN_KEY|METRICS_TOKEN|POSTGRES_PASSWORD|POSTGRES_PWD|DATABASE_URL';

describe('secrets', () => {
  it('generates values the server accepts, and Secret manifests on stdin only', () => {
    for (const overlay of OVERLAYS) {
      for (const plan of secretsFor(overlay)) {
        for (const [key, value] of Object.entries(plan.data)) {
          if (key === 'DATABASE_URL' || key === 'POSTGRES_PASSWORD') continue;
          expect(secretProblem(value), `${overlay} ${plan.name}.${key}`).toBeNull();
        }
        const manifest = JSON.parse(secretManifest(plan, 'ns'));
        expect(manifest).toMatchObject({ kind: 'Secret', metadata: { name: plan.name, namespace: 'ns' }, stringData: plan.data });
      }
    }
    // Fresh values each time: two deployments never share a key.
    expect(secretsFor('production')[1]!.data.JWT_KEY).not.toBe(secretsFor('production')[1]!.data.JWT_KEY);
  });

  it('compose-secrets writes deploy/.env once (0600), keeps what is there and refuses a published value', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lc-compose-')), '.env');
    expect(await writeComposeEnv(file)).toEqual([...COMPOSE_SECRET_KEYS]);
    const first = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const line of first.trim().split('\n')) {
      const [key, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
      if (key !== 'POSTGRES_PASSWORD') expect(secretProblem(value), key).toBeNull();
    }
    expect(await writeComposeEnv(file)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(first);
    writeFileSync(file, 'JWT_KEY=dev-only-jwt-secret-at-least-32-bytes-long\n');
    await expect(writeComposeEnv(file)).rejects.toThrow(/JWT_KEY is unusable/);
  });

  it('the server refuses every secret-looking value committed under deploy/, now or before', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const committed = execFileSync('git', ['ls-files', '-z', 'docker-compose.yml', 'k8s'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file !== '' && existsSync(join(root, file)));
    const literals: string[] = [];
    for (const file of committed) {
      const text = readFileSync(join(root, file), 'utf8');
      // `KEY: value` (compose, ConfigMaps) and `{ name: KEY, value: value }` (container env).
      const keyValue = new RegExp(`\\b(?:${SECRET_NAMES})["']?:\\s+["']?([^"'\\s,}]+)`, 'g');
      const envEntry = new RegExp(`name:\\s*["']?(?:${SECRET_NAMES})["']?,\\s*value:\\s*["']?([^"'\\s,}]+)`, 'g');
      for (const m of [...text.matchAll(keyValue), ...text.matchAll(envEntry)]) literals.push(m[1]!);
    }
    const literalValues = literals.filter((value) => !/^(postgres:\/\/postgres:)?\$\{/.test(value));
    expect(literalValues).toEqual([]);
    // What these files used to carry stays refused: it is in the repository's history for good.
    for (const published of ['dev-only-jwt-secret-at-least-32-bytes-long', 'dev-only-webhook-secret', 'replace-me', 'a'.repeat(32)]) {
      expect(secretProblem(published), published).not.toBeNull();
    }
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
      // Secrets come from deploy/.env, and compose stops when one is missing.
      for (const key of ['JWT_KEY', 'PAYMENT_WEBHOOK_SECRET', 'ADMISSION_TOKEN_KEY', 'METRICS_TOKEN']) expect(s.environment?.[key]).toMatch(/^\$\{\w+:\?[^}]+\}$/);
      expect(s.environment?.DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
    }
  });
});

describe('manager CLI', () => {
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, ['--conditions=@limitedcart/source', '--import', 'tsx', cli, ...args], { encoding: 'utf8', env });

  it('says clearly which tool is missing', () => {
    const result = run(['bootstrap'], { ...process.env, PATH: '/nonexistent' });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/docker is not installed or not on PATH/);
  });

  it('plans a deploy as secrets, then migrate, then rollout (dry run), printing no secret value', () => {
    const result = run(['deploy', '--dry-run']);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const apply = lines.findIndex((l) => /^kubectl apply -k .*overlays\/production$/.test(l));
    const secrets = lines.slice(0, apply);
    expect(secrets.filter((l) => /^secret\/[\w-]+ created with generated/.test(l)).length).toBe(2);
    expect(secrets.join('\n')).not.toMatch(/[A-Za-z0-9_-]{48,}/);
    expect(lines[apply + 1]).toMatch(/wait --for=condition=complete job\/limitedcart-migrate/);
    expect(lines.slice(apply + 2).map((l) => /deployment\/limitedcart-(\w+)/.exec(l)?.[1])).toEqual(['api', 'worker', 'relay']);
  });

  it('rejects unknown roles and malformed config', () => {
    expect(run(['deploy-service', 'db', '--dry-run']).status).toBe(1);
    expect(run(['config', 'NOPE', '--dry-run']).stderr).toMatch(/KEY=VALUE/);
    expect(run(['config', 'LOG_LEVEL=debug', '--dry-run']).stdout).toMatch(/patch configmap limitedcart-config/);
  });
});
