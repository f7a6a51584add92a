export { createTemporalActivities, toTemporalError } from './activities.js';
export { bundleWorkflows, defaultWorkflowsPath } from './bundle.js';
export { createTemporalSagaRunner, type TemporalSagaRunner, UNKNOWN_STEP } from './client.js';
export { type TemporalPluginOptions, temporal } from './plugin.js';
export {
  DEFAULT_WORKFLOW_TUNING,
  describeQuery,
  lateSignalWorkflowId,
  type OrderSagaWorkflowResult,
  SAGA_FAILED_TYPE,
  type SagaFailureDetails,
  type SagaWorkflowState,
  type SagaWorkflowTuning,
  sagaSignal,
  signalKey,
} from './definitions.js';
export {
  DEFAULT_NAMESPACE,
  DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_TASK_QUEUE,
  DEFAULT_WORKER_TUNING,
  type TemporalConnectionOptions,
  type TemporalSagaRunnerOptions,
  type TemporalSagaWorkerOptions,
  type TemporalWorkerTuning,
} from './options.js';
export { createTemporalSagaWorker, type TemporalSagaWorker } from './worker.js';
