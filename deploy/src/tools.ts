import { spawn, spawnSync } from 'node:child_process';

/** The external programs the manager drives, and where to get them when they are missing. */
export const TOOLS = {
  docker: 'Docker Engine: https://docs.docker.com/engine/install/',
  kind: 'kind: `go install sigs.k8s.io/kind@v0.29.0`',
  kubectl: 'kubectl: https://kubernetes.io/docs/tasks/tools/',
} as const;
export type Tool = keyof typeof TOOLS;

export class MissingToolError extends Error {
  constructor(readonly tool: Tool) {
    super(`${tool} is not installed or not on PATH. Install ${TOOLS[tool]}`);
  }
}

export interface Runner {
  /** Runs a command with inherited stdio; rejects on a non-zero exit. */
  run(tool: Tool, args: readonly string[], options?: { input?: string }): Promise<void>;
  /** Runs a command and resolves with its stdout (stderr inherited); rejects on a non-zero exit. */
  output(tool: Tool, args: readonly string[]): Promise<string>;
  /** Whether the tool answers `--version` / `version`. */
  available(tool: Tool): boolean;
}

const versionArgs: Record<Tool, string[]> = { docker: ['--version'], kind: ['version'], kubectl: ['version', '--client'] };

export const systemRunner: Runner = {
  available: (tool) => spawnSync(tool, versionArgs[tool], { stdio: 'ignore' }).status === 0,
  run: (tool, args, options = {}) =>
    new Promise((resolve, reject) => {
      if (!systemRunner.available(tool)) return reject(new MissingToolError(tool));
      const child = spawn(tool, args, { stdio: [options.input ? 'pipe' : 'inherit', 'inherit', 'inherit'] });
      if (options.input) child.stdin?.end(options.input);
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(' ')} exited with ${code}`))));
    }),
  output: (tool, args) =>
    new Promise((resolve, reject) => {
      if (!systemRunner.available(tool)) return reject(new MissingToolError(tool));
      const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${tool} ${args.join(' ')} exited with ${code}`))));
    }),
};

/**
 * Prints what would run instead of running it (`--dry-run`); tools are reported available and queries find nothing.
 * What a command reads on stdin (a generated Secret) is never printed.
 */
export const dryRunner = (print: (line: string) => void): Runner => ({
  available: () => true,
  run: async (tool, args) => print(`${tool} ${args.join(' ')}`),
  output: async (tool, args) => {
    print(`${tool} ${args.join(' ')}`);
    return '';
  },
});
