export * from './config.js';
export { PORT_TOKENS } from './container.js';
export * from './create-engine.js';
export { memoryDefaults } from './defaults.js';
export * from './engine.js';
export * from './extensions.js';
export {
  definePlugin,
  type EngineAdapters,
  type FactoryDeps,
  type FactoryProvider,
  type HealthCheck,
  type HealthStatus,
  type LifecycleHook,
  type Plugin,
  type PluginContext,
  type PluginEventHandler,
  type Registration,
} from './plugin.js';
export type { EngineUseCases } from './use-cases.js';
