import { fileURLToPath } from 'node:url';
import { COMPOSE_ENV_FILE, secretManifest, secretsFor, writeComposeEnv } from './secrets.js';
import type { Runner, Tool } from './tools.js';
import { MissingToolError } from './tools.js';

export const ROLES = ['api', 'worker', 'relay'] as const;
export type Role = (typeof ROLES)[number];
export const OVERLAYS = ['production', 'embedded'] as const;
export type Overlay = (typeof OVERLAYS)[number];
const INFRA = ['postgres', 'redis', 'kafka', 'temporal'] as const;

export interface Settings {
  readonly cluster: string;
  readonly overlay: Overlay;
  readonly tag: string;
  readonly namespace: string;
}

export const overlayDir = (overlay: Overlay): string =>
  fileURLToPath(new URL(`../k8s/overlays/${overlay}`, import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const image = (tag: string) => `limitedcart/server:${tag}`;

export interface Command {
  readonly summary: string;
  readonly needs: readonly Tool[];
  run(runner: Runner, settings: Settings, args: readonly string[]): Promise<void>;
}

const requireTools = (runner: Runner, tools: readonly Tool[]) => {
  for (const tool of tools) if (!runner.available(tool)) throw new MissingToolError(tool);
};

/**
 * Creates the overlay's Secrets with generated values, leaving any that exist alone (they may be the operator's own,
 * from Sealed Secrets or External Secrets). The manifests carry no Secret: applying them never overwrites one.
 */
const ensureSecrets = async (runner: Runner, s: Settings) => {
  await runner.run('kubectl', ['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.namespace } }) });
  for (const plan of secretsFor(s.overlay)) {
    const found = await runner.output('kubectl', ['-n', s.namespace, 'get', 'secret', plan.name, '--ignore-not-found', '-o', 'name']);
    if (found.trim() !== '') {
      console.log(`secret/${plan.name} exists; kept`);
      continue;
    }
    await runner.run('kubectl', ['-n', s.namespace, 'apply', '-f', '-'], { input: secretManifest(plan, s.namespace) });
    console.log(`secret/${plan.name} created with generated ${Object.keys(plan.data).join(', ')}`);
  }
};

const rollout = async (runner: Runner, s: Settings, role: Role) =>
  runner.run('kubectl', ['-n', s.namespace, 'rollout', 'status', `deployment/limitedcart-${role}`, '--timeout=180s']);

/** Every subcommand of the manager. Each checks for the tools it needs before doing anything. */
export const COMMANDS: Record<string, Command> = {
  doctor: {
    summary: 'report which of docker, kind and kubectl are installed',
    needs: [],
    async run(runner) {
      for (const tool of ['docker', 'kind', 'kubectl'] as const) {
        console.log(`${tool.padEnd(8)} ${runner.available(tool) ? 'ok' : `missing: ${new MissingToolError(tool).message}`}`);
      }
    },
  },
  bootstrap: {
    summary: 'create a local kind cluster for LimitedCart',
    needs: ['docker', 'kind', 'kubectl'],
    async run(runner, s) {
      await runner.run('kind', ['create', 'cluster', '--name', s.cluster, '--wait', '120s']);
      await runner.run('kubectl', ['cluster-info', '--context', `kind-${s.cluster}`]);
    },
  },
  build: {
    summary: 'build the server image (deploy/Dockerfile) tagged limitedcart/server:<tag>',
    needs: ['docker'],
    async run(runner, s) {
      await runner.run('docker', ['build', '-f', 'deploy/Dockerfile', '-t', image(s.tag), repoRoot]);
    },
  },
  load: {
    summary: 'load the built image into the kind cluster',
    needs: ['docker', 'kind'],
    async run(runner, s) {
      await runner.run('kind', ['load', 'docker-image', image(s.tag), '--name', s.cluster]);
    },
  },
  secrets: {
    summary: "create the overlay's Secrets with generated values (existing ones are kept)",
    needs: ['kubectl'],
    run: ensureSecrets,
  },
  'compose-secrets': {
    summary: `generate the secrets docker compose reads from ${COMPOSE_ENV_FILE} (existing ones are kept)`,
    needs: [],
    async run() {
      const added = await writeComposeEnv();
      console.log(added.length > 0 ? `${COMPOSE_ENV_FILE}: generated ${added.join(', ')}` : `${COMPOSE_ENV_FILE}: complete; nothing generated`);
    },
  },
  'deploy-infra': {
    summary: 'deploy Postgres, Redis, Kafka and Temporal (production overlay)',
    needs: ['kubectl'],
    async run(runner, s) {
      await ensureSecrets(runner, { ...s, overlay: 'production' });
      const selector = `app.kubernetes.io/name in (${INFRA.join(',')})`;
      await runner.run('kubectl', ['apply', '-k', overlayDir('production'), '-l', selector]);
      await runner.run('kubectl', ['apply', '-k', overlayDir('production'), '-l', 'app.kubernetes.io/part-of=limitedcart', '--dry-run=server']);
    },
  },
  deploy: {
    summary: 'create missing Secrets, apply the whole overlay (migration job first) and wait for the rollouts',
    needs: ['kubectl'],
    async run(runner, s) {
      await ensureSecrets(runner, s);
      await runner.run('kubectl', ['apply', '-k', overlayDir(s.overlay)]);
      if (s.overlay === 'production') {
        await runner.run('kubectl', ['-n', s.namespace, 'wait', '--for=condition=complete', 'job/limitedcart-migrate', '--timeout=300s']);
        for (const role of ROLES) await rollout(runner, s, role);
      } else {
        await rollout(runner, s, 'api');
      }
    },
  },
  'deploy-service': {
    summary: 'roll out one role: deploy-service api|worker|relay',
    needs: ['kubectl'],
    async run(runner, s, args) {
      const role = args[0] as Role;
      if (!ROLES.includes(role)) throw new Error(`deploy-service needs one of ${ROLES.join(', ')}`);
      await runner.run('kubectl', ['apply', '-k', overlayDir(s.overlay), '-l', `app.kubernetes.io/component=${role}`]);
      await runner.run('kubectl', ['-n', s.namespace, 'rollout', 'restart', `deployment/limitedcart-${role}`]);
      await rollout(runner, s, role);
    },
  },
  config: {
    summary: 'set configuration and restart: config KEY=VALUE ...',
    needs: ['kubectl'],
    async run(runner, s, args) {
      const entries = args.map((arg) => {
        const at = arg.indexOf('=');
        if (at <= 0) throw new Error(`config takes KEY=VALUE pairs, got "${arg}"`);
        return [arg.slice(0, at), arg.slice(at + 1)] as const;
      });
      if (entries.length === 0) throw new Error('config takes at least one KEY=VALUE pair');
      const patch = JSON.stringify({ data: Object.fromEntries(entries) });
      await runner.run('kubectl', ['-n', s.namespace, 'patch', 'configmap', 'limitedcart-config', '--type', 'merge', '-p', patch]);
      for (const role of s.overlay === 'production' ? ROLES : (['api'] as const)) {
        await runner.run('kubectl', ['-n', s.namespace, 'rollout', 'restart', `deployment/limitedcart-${role}`]);
      }
    },
  },
  status: {
    summary: 'show pods, deployments, stateful sets, autoscalers and jobs',
    needs: ['kubectl'],
    async run(runner, s, args) {
      const watch = args.includes('--watch') ? ['--watch'] : [];
      await runner.run('kubectl', ['-n', s.namespace, 'get', 'pods,deployments,statefulsets,hpa,jobs', '-o', 'wide', ...watch]);
    },
  },
  logs: {
    summary: 'stream logs of a role: logs api|worker|relay [--follow]',
    needs: ['kubectl'],
    async run(runner, s, args) {
      const role = (args[0] ?? 'api') as Role;
      if (!ROLES.includes(role)) throw new Error(`logs needs one of ${ROLES.join(', ')}`);
      const follow = args.includes('--follow') || args.includes('-f') ? ['--follow'] : [];
      await runner.run('kubectl', ['-n', s.namespace, 'logs', '-l', `app.kubernetes.io/component=${role}`, '--prefix', '--tail=200', ...follow]);
    },
  },
  teardown: {
    summary: 'delete the kind cluster',
    needs: ['kind'],
    async run(runner, s) {
      await runner.run('kind', ['delete', 'cluster', '--name', s.cluster]);
    },
  },
};

export async function runCommand(name: string, runner: Runner, settings: Settings, args: readonly string[]): Promise<void> {
  const command = COMMANDS[name];
  if (!command) throw new Error(`unknown command "${name}"; try --help`);
  requireTools(runner, command.needs);
  await command.run(runner, settings, args);
}
