#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { COMMANDS, OVERLAYS, type Overlay, runCommand } from './commands.js';
import { dryRunner, MissingToolError, systemRunner } from './tools.js';

const usage = () =>
  [
    'usage: limitedcart-deploy <command> [args] [--overlay production|embedded] [--cluster NAME] [--tag TAG] [--dry-run]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`),
  ].join('\n');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    overlay: { type: 'string', default: 'production' },
    cluster: { type: 'string', default: 'limitedcart' },
    tag: { type: 'string', default: 'dev' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: false,
});

const [command, ...args] = positionals;
if (values.help || !command) {
  console.log(usage());
  process.exit(command || values.help ? 0 : 2);
}
const overlay = String(values.overlay) as Overlay;
if (!OVERLAYS.includes(overlay)) {
  console.error(`--overlay must be one of ${OVERLAYS.join(', ')}`);
  process.exit(2);
}
const settings = {
  cluster: String(values.cluster),
  overlay,
  tag: String(values.tag),
  namespace: overlay === 'production' ? 'limitedcart' : 'limitedcart-demo',
};
const runner = values['dry-run'] ? dryRunner((line) => console.log(line)) : systemRunner;

try {
  await runCommand(command, runner, settings, args.filter((a) => !a.startsWith('--') || a === '--follow' || a === '--watch'));
} catch (error) {
  console.error(error instanceof MissingToolError ? error.message : `limitedcart-deploy: ${(error as Error).message}`);
  process.exit(error instanceof MissingToolError ? 3 : 1);
}
