import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../src/index.js';
import { type RecordedHistory, recordSagaHistories } from './support/history-recorder.js';
import { quietTemporalRuntime } from './support/quiet-runtime.js';
import { noTemporal, requireTemporalAddress, uniqueName } from './support/temporal-env.js';

const historiesDir = new URL('./fixtures/histories/', import.meta.url);
const changedWorkflows = fileURLToPath(new URL('./fixtures/workflows-changed.ts', import.meta.url));

/** The committed histories: recorded from the workflow code as released; they must keep replaying. */
const committed = readdirSync(historiesDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ name: file.replace(/\.json$/, ''), history: JSON.parse(readFileSync(new URL(file, historiesDir), 'utf8')) as unknown }));

const replay = async (workflowsPath: string | undefined, history: unknown): Promise<void> => {
  const workflowBundle = await bundleWorkflows(workflowsPath);
  await Worker.runReplayHistory({ workflowBundle }, history);
};

describe('replaying recorded histories against the workflow code', () => {
  beforeAll(() => quietTemporalRuntime());

  it('has committed histories for every ending', () => {
    // `signalled-unpatched`: the "signalled" scenario recorded by the workflow code before the record-local-steps patch
    // (a cancel waiting before the first task, acted on in the same task as the local first step).
    expect(committed.map(({ name }) => name)).toEqual([
      'cancelled',
      'confirmed',
      'expired',
      'failed',
      'retried',
      'signalled-unpatched',
      'signalled',
    ]);
  });

  it.each(committed)('the current workflow code replays the committed "$name" history', async ({ history }) => {
    await replay(undefined, history);
  }, 60_000);

  it.each(committed)('a non-deterministic change fails on the "$name" history', async ({ history }) => {
    await expect(replay(changedWorkflows, history)).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 60_000);
});

describe.skipIf(noTemporal)('replaying fresh histories from the dev server', () => {
  let fresh: RecordedHistory[] = [];

  beforeAll(async () => {
    quietTemporalRuntime();
    fresh = await recordSagaHistories(requireTemporalAddress(), uniqueName('replay'));
  }, 60_000);

  it('replays every freshly recorded history', async () => {
    expect(fresh).toHaveLength(6);
    for (const { workflowId, json } of fresh) {
      await Worker.runReplayHistory({ workflowBundle: await bundleWorkflows() }, JSON.parse(json), workflowId);
    }
  }, 60_000);
});
