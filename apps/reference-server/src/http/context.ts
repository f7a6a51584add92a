import type { Engine, Logger } from '@limitedcart/core';
import type { AuthService, Principal } from '@limitedcart/plugin-auth-jwt';
import type { NotificationHub, StreamLimits } from '@limitedcart/plugin-sse-notifications';
import type { CorsSettings } from './cors.js';
import type { HttpMetrics } from './metrics.js';

/** Per-request values set by middleware. */
export interface AppVariables {
  /** Set by `authenticate` on protected routes. */
  principal: Principal;
  /** The verified access token itself (re-checked by long-lived streams). */
  accessToken: string;
  requestId: string;
  log: Logger;
}

export interface AppEnv {
  Variables: AppVariables;
}

/** Limits the HTTP edge enforces, from the server configuration. */
export interface HttpLimits {
  readonly bodyLimitBytes: number;
  /** Proxies in front of the server that append to X-Forwarded-For (TRUST_PROXY); 0 trusts none. */
  readonly trustProxy: number;
}

export interface PaymentSettings {
  /** Shared secret of webhook signatures. */
  readonly webhookSecret: string;
  readonly webhookToleranceSeconds: number;
  /** Base of the payment links handed to shoppers (`<base>/pay/<token>`). */
  readonly publicUrl: () => string;
}

/** Who may read `/metrics` (METRICS_TOKEN, METRICS_PORT). */
export interface OpsSettings {
  /** Bearer token a scraper sends; ADMIN access tokens are accepted as well. null: ADMIN tokens only. */
  readonly metricsToken: string | null;
  /** true when /metrics is served on its own listener instead (and not on the main one). */
  readonly metricsPort: boolean;
}

/** Everything the HTTP layer needs: the engine (whose use cases the routes call) and the edge's own settings. */
export interface AppDeps {
  readonly engine: Engine;
  /** The auth plugin's accounts and tokens. */
  readonly auth: AuthService;
  /** The SSE plugin's hub of this process. */
  readonly hub: NotificationHub;
  readonly metrics: HttpMetrics;
  readonly logger: Logger;
  readonly limits: HttpLimits;
  readonly payments: PaymentSettings;
  /** The refresh token cookie's Secure flag: `auto` follows the public URL or the request's scheme. */
  readonly refreshCookieSecure: 'auto' | boolean;
  /** Aborted when the server shuts down: SSE streams end so connections can drain. */
  readonly shutdownSignal: AbortSignal;
  /** false while the server drains: /readyz then answers 503. */
  readonly isAccepting: () => boolean;
  /** Folder of a storefront build served at `/`; null serves a small landing page. */
  readonly storefrontDir: string | null;
  readonly heartbeatMs?: number;
  /** Access to `/metrics`; unset: ADMIN access tokens only. */
  readonly ops?: OpsSettings;
  /** Origins allowed to call the API from a browser (STORE_CORS, ADMIN_CORS); unset: none. */
  readonly cors?: CorsSettings;
  /** Notification streams per customer and in total (SSE_MAX_STREAMS_PER_PRINCIPAL, SSE_MAX_STREAMS). */
  readonly sseLimits?: StreamLimits;
  /** Public stock streams one client address may hold open on this process (STOCK_STREAMS_PER_ADDRESS). */
  readonly stockStreamsPerAddress?: number;
  /** What the ALTCHA challenges of queued drops are signed with (derived from ADMISSION_TOKEN_KEY); unset: random. */
  readonly proofOfWorkSecret?: string;
}
