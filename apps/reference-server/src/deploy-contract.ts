/**
 * What deployments may rely on: the CLI's commands and the environment variables the server reads. The
 * manifest checks in deploy/ compare the Kubernetes and compose files against these lists.
 */
export { ENV_KEYS } from './config.js';
/** The server's secret policy: deploy tooling checks what it generates, and the tests what is committed, with it. */
export { assertAcceptableSecrets, secretProblem } from './composition/secret-policy.js';

export const CLI_COMMANDS = ['start', 'worker', 'migrate', 'seed'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];
