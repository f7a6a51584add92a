import type { Engine, Logger } from '@limitedcart/core';
import type { AuthService, Principal } from '@limitedcart/plugin-auth-jwt';
import type { NotificationHub } from '@limitedcart/plugin-sse-notifications';
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
  /** Take the client address from X-Forwarded-For (behind a trusted load balancer). */
  readonly trustProxy: boolean;
}

export interface PaymentSettings {
  /** Shared secret of webhook signatures. */
  readonly webhookSecret: string;
  readonly webhookToleranceSeconds: number;
  /** Base of the payment links handed to shoppers (`<base>/pay/<token>`). */
  readonly publicUrl: () => string;
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
}
