import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleWorkflows, defaultWorkflowsPath } from '../src/index.js';
import { importGraph, isNodeBuiltin } from './support/import-graph.js';

const withIo = fileURLToPath(new URL('./fixtures/workflows-with-io.ts', import.meta.url));

/** Third-party packages the workflow code may import at runtime; everything else stays out of the sandbox. */
const ALLOWED_PACKAGES = ['@temporalio/workflow', '@limitedcart/core/saga'];

describe('workflow code stays deterministic', () => {
  it('imports no Node built-in and no IO package anywhere in its graph, core saga included', () => {
    const graph = importGraph(defaultWorkflowsPath());
    expect(graph.files.some((file) => file.endsWith('/packages/core/src/saga/order-saga.ts'))).toBe(true);
    expect(graph.packages.filter(({ specifier }) => isNodeBuiltin(specifier))).toEqual([]);
    const workspaceExternal = graph.packages.filter(({ from }) => !from.includes('/packages/core/src/'));
    expect([...new Set(workspaceExternal.map(({ specifier }) => specifier))].sort()).toEqual(ALLOWED_PACKAGES.sort());
  });

  it('the scan catches a workflow module that imports a built-in', () => {
    const graph = importGraph(withIo);
    expect(graph.packages.map(({ specifier }) => specifier)).toContain('node:fs');
    expect(graph.packages.filter(({ specifier }) => isNodeBuiltin(specifier))).toHaveLength(1);
  });

  it("bundles with Temporal's bundler, which rejects disallowed modules", async () => {
    const bundle = await bundleWorkflows();
    expect(bundle.code).toContain('orderSagaWorkflow');
    expect(bundle.code).toContain('lateSignalWorkflow');
  }, 60_000);

  it('the bundler refuses a workflow module that imports a built-in', async () => {
    await expect(bundleWorkflows(withIo)).rejects.toThrow(/Webpack finished with errors|disallowed modules/);
  }, 60_000);
});
