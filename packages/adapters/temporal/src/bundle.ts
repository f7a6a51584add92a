import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/**
 * The package's workflow module, next to this file: `workflows.ts` when running from source (tests, through
 * the `@limitedcart/source` condition), `workflows.js` from the published build.
 */
export const defaultWorkflowsPath = (): string => {
  const self = fileURLToPath(import.meta.url);
  return join(dirname(self), `workflows${extname(self)}`);
};

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * Bundles the workflow code with Temporal's bundler, once per path and process: bundling takes seconds and
 * every worker (and replay) of the process can share the result. The bundler rejects workflow code that
 * imports a Node built-in, which is one of the guards keeping the workflow deterministic.
 *
 * From TypeScript sources, workspace packages resolve through the `@limitedcart/source` export condition, as
 * they do in tests.
 */
export const bundleWorkflows = (workflowsPath: string = defaultWorkflowsPath()): Promise<WorkflowBundleWithSourceMap> => {
  let bundle = bundles.get(workflowsPath);
  if (bundle === undefined) {
    const fromSource = workflowsPath.endsWith('.ts');
    bundle = bundleWorkflowCode({
      workflowsPath,
      logger: new DefaultLogger('WARN'),
      webpackConfigHook: (config) =>
        fromSource ? { ...config, resolve: { ...config.resolve, conditionNames: ['@limitedcart/source', '...'] } } : config,
    });
    bundles.set(workflowsPath, bundle);
    // A failed bundle is not cached: the next caller tries again (and sees the error itself).
    bundle.catch(() => bundles.delete(workflowsPath));
  }
  return bundle;
};
