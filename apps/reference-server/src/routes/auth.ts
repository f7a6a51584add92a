import { createRoute, z } from '@hono/zod-openapi';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type SessionTokens, toPublicUser } from '@limitedcart/plugin-auth-jwt';
import type { Context } from 'hono';
import { actorOf, authenticate } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { ApiProblem, problemResponse } from '../http/problem.js';
import { clearRefreshCookie, readRefreshCookie, type RefreshCookieSettings, setRefreshCookie } from '../http/refresh-cookie.js';
import { mount, router } from '../http/route.js';
import { AUTH_PROBLEMS, BEARER, EmailSchema, jsonBody, jsonContent, problem, nonBlankText, UserSchema } from './schemas.js';

const CredentialsBody = z
  .strictObject({
    email: EmailSchema.openapi({ example: 'shopper@example.com' }),
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH)
      .max(PASSWORD_MAX_LENGTH)
      .openapi({ example: 'correct horse battery', description: 'At least 10 characters, not a common (breached) password.' }),
  })
  .openapi('Credentials');

const RefreshTokenIn = z
  .enum(['cookie', 'body'])
  .openapi({
    description:
      'Where the refresh token is returned: an HttpOnly cookie scoped to /api/auth (browsers, the default) or the ' +
      'JSON body (other clients, which then send it back as `refreshToken`).',
  });

/** Login takes any strings: a short password is simply wrong, and the answer must not reveal the policy. */
const LoginBody = z
  .strictObject({
    email: nonBlankText().max(320),
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    refreshTokenIn: RefreshTokenIn.optional(),
  })
  .openapi('Login');

/** Refresh tokens are 43 base64url characters. */
const RefreshTokenField = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const RefreshBody = z
  .strictObject({ refreshToken: RefreshTokenField.optional().openapi({ description: 'When not sent as the cookie.' }) })
  .openapi('Refresh');

const SessionResult = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires.' }),
    refreshExpiresIn: z.number().int().openapi({ description: 'Seconds until the refresh token expires unless used.' }),
    refreshToken: z.string().optional().openapi({ description: 'Only when asked for in the body (`refreshTokenIn: body`, or a body refresh).' }),
    user: UserSchema,
  })
  .openapi('SessionResult');

const LogoutQuery = z.object({
  all: z.enum(['true', 'false']).optional().openapi({ description: "`true` ends every session of the account ('log out everywhere')." }),
});

const rateLimited = (c: Context<AppEnv>, retryAfterMs: number) => {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  c.header('retry-after', String(retryAfter));
  return problemResponse(c, 429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`);
};

export function authRoutes(deps: AppDeps) {
  const app = router();
  const { auth, engine, limits } = deps;
  const { accounts, sessions, tokens } = auth;
  const cookie: RefreshCookieSettings = { secure: deps.refreshCookieSecure, publicUrl: deps.payments.publicUrl };

  /** The session's answer: the refresh token goes where the client asked, never both. */
  const sessionAnswer = (c: Context<AppEnv>, tokensOut: SessionTokens, user: ReturnType<typeof toPublicUser>, delivery: 'cookie' | 'body') => {
    const { accessToken, tokenType, expiresIn, refreshExpiresIn, refreshToken } = tokensOut;
    if (delivery === 'cookie') setRefreshCookie(c, cookie, refreshToken, refreshExpiresIn);
    c.header('cache-control', 'no-store');
    return c.json(
      { accessToken, tokenType, expiresIn, refreshExpiresIn, ...(delivery === 'body' ? { refreshToken } : {}), user },
      200,
    );
  };

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/register',
      tags: ['auth'],
      summary: 'Create a shopper account (role USER)',
      request: jsonBody(CredentialsBody),
      responses: {
        201: jsonContent(z.object({ user: UserSchema }), 'The account.'),
        400: problem('Invalid email, or a password that is too short or too common (`VALIDATION`).'),
        409: problem('The email is taken, compared case-insensitively (`EMAIL_TAKEN`).'),
        429: problem('Too many registrations from this address (`RATE_LIMITED`).'),
      },
    }),
    async (c) => {
      const result = await accounts.register({ ...c.req.valid('json'), clientAddress: clientIp(c, limits.trustProxy) });
      if (!result.ok && result.reason === 'RATE_LIMITED') return rateLimited(c, result.retryAfterMs);
      if (!result.ok) throw new ApiProblem(409, 'EMAIL_TAKEN', 'an account with this email exists');
      return c.json({ user: result.user }, 201);
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/login',
      tags: ['auth'],
      summary: 'Start a session: a short-lived access token and a refresh token',
      request: jsonBody(LoginBody),
      responses: {
        200: jsonContent(SessionResult, 'An access token, the user, and the refresh token as a cookie (or in the body when asked).'),
        400: problem('Malformed request (`VALIDATION`).'),
        401: problem('Unknown email or wrong password (`INVALID_CREDENTIALS`).'),
        403: problem('The account is disabled (`ACCOUNT_DISABLED`).'),
        429: problem('Too many attempts from this address, or for this email from this address (`RATE_LIMITED`).'),
      },
    }),
    async (c) => {
      const { refreshTokenIn, ...credentials } = c.req.valid('json');
      const result = await accounts.login({ ...credentials, clientAddress: clientIp(c, limits.trustProxy) });
      if (!result.ok && result.reason === 'RATE_LIMITED') return rateLimited(c, result.retryAfterMs);
      if (!result.ok && result.reason === 'ACCOUNT_DISABLED') throw new ApiProblem(403, 'ACCOUNT_DISABLED', 'the account is disabled');
      if (!result.ok) throw new ApiProblem(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
      return sessionAnswer(c, result, result.user, refreshTokenIn ?? 'cookie');
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/refresh',
      tags: ['auth'],
      summary: 'Exchange the refresh token for a new access token and a new refresh token',
      description:
        'The refresh token comes from the `limitedcart_refresh` cookie or, for other clients, the body; the new one is ' +
        'returned the same way. Each refresh token works once: presenting one again ends its whole session.',
      request: { body: { content: { 'application/json': { schema: RefreshBody } }, required: false } },
      responses: {
        200: jsonContent(SessionResult, 'A new access token (with the current roles) and the next refresh token.'),
        400: problem('Malformed request (`VALIDATION`).'),
        401: problem('Missing, unknown, reused, revoked or expired refresh token, or a disabled account (`INVALID_REFRESH_TOKEN`).'),
      },
    }),
    async (c) => {
      const fromBody = c.req.valid('json').refreshToken;
      const presented = fromBody ?? readRefreshCookie(c);
      const result = presented === undefined ? null : await sessions.refresh(presented);
      if (result === null || !result.ok) {
        if (fromBody === undefined) clearRefreshCookie(c, cookie);
        return problemResponse(c, 401, 'INVALID_REFRESH_TOKEN', 'sign in again');
      }
      return sessionAnswer(c, result, toPublicUser(result.customer), fromBody === undefined ? 'cookie' : 'body');
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/logout',
      tags: ['auth'],
      summary: 'End this session, or with `all=true` every session of the account',
      description:
        'Identifies the session by its refresh token (cookie or body) or, failing that, by the bearer access token. ' +
        'Access tokens of an ended session are refused within SESSION_CHECK_TTL_MS (default 5 s), usually at once.',
      security: [...BEARER, {}],
      middleware: [authenticate(tokens, { optional: true })] as const,
      request: { query: LogoutQuery, body: { content: { 'application/json': { schema: RefreshBody } }, required: false } },
      responses: {
        204: { description: 'Signed out; the refresh cookie is cleared.' },
        400: problem('Malformed request (`VALIDATION`).'),
        401: problem('Neither a refresh token nor an access token came, or the access token is invalid (`UNAUTHENTICATED`).'),
      },
    }),
    async (c) => {
      const refreshToken = c.req.valid('json').refreshToken ?? readRefreshCookie(c);
      const principal = (c.get('principal') as AppEnv['Variables']['principal'] | undefined) ?? undefined;
      if (refreshToken === undefined && principal === undefined) {
        throw new ApiProblem(401, 'UNAUTHENTICATED', 'send the refresh token or an access token');
      }
      await sessions.logout({
        ...(refreshToken === undefined ? {} : { refreshToken }),
        ...(principal === undefined ? {} : { sessionId: principal.sessionId }),
        all: c.req.valid('query').all === 'true',
      });
      clearRefreshCookie(c, cookie);
      c.header('cache-control', 'no-store');
      return c.body(null, 204);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['auth'],
      summary: 'The current user',
      security: BEARER,
      middleware: [authenticate(tokens)] as const,
      responses: { 200: jsonContent(z.object({ user: UserSchema }), 'The caller.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const customer = await engine.useCases.getAccount(actorOf(c));
      return c.json({ user: toPublicUser(customer) }, 200);
    },
  );

  return app;
}
