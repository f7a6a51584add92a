/**
 * The LimitedCart reference server as a library: build the HTTP app over an engine (`createApp`), or run the
 * whole composition (`startServer`) as the `limitedcart` CLI does.
 */
export { createApp, OPENAPI_PATH } from './app.js';
export { pluginsFor, type ServerRuntime } from './composition/plugins.js';
export { type RunningServer, type StartOptions, startServer } from './composition/server.js';
/** The embedded profile's generated secrets (`<dataDir>/secrets.json`), for tools that reach its database directly. */
export { type EmbeddedSecrets, loadOrCreateSecrets } from './composition/secrets.js';
export { ENV_KEYS, ENV_SCHEMA, loadConfig, profileOf, type ServerConfig } from './config.js';
export type { AppDeps, HttpLimits, PaymentSettings } from './http/context.js';
export { type DemoAccount, DEMO_PRODUCT_IDS, type SeedResult, seedDemo } from './seed.js';
