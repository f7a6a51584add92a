import { createRoute, z } from '@hono/zod-openapi';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, toPublicUser } from '@limitedcart/plugin-auth-jwt';
import { actorOf, authenticate } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import type { AppDeps } from '../http/context.js';
import { ApiProblem, problemResponse } from '../http/problem.js';
import { mount, router } from '../http/route.js';
import { AUTH_PROBLEMS, BEARER, EmailSchema, jsonBody, jsonContent, problem, nonBlankText, UserSchema } from './schemas.js';

const CredentialsBody = z
  .strictObject({
    email: EmailSchema.openapi({ example: 'shopper@example.com' }),
    password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH).openapi({ example: 'correct horse battery' }),
  })
  .openapi('Credentials');

/** Login takes any strings: a short password is simply wrong, and the answer must not reveal the policy. */
const LoginBody = z
  .strictObject({ email: nonBlankText().max(320), password: z.string().min(1).max(PASSWORD_MAX_LENGTH) })
  .openapi('Login');

const LoginResult = z
  .object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int(), user: UserSchema })
  .openapi('LoginResult');

export function authRoutes(deps: AppDeps) {
  const app = router();
  const { auth, engine, limits } = deps;
  const { accounts, tokens } = auth;

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
        400: problem('Invalid email or password (`VALIDATION`).'),
        409: problem('The email is taken, compared case-insensitively (`EMAIL_TAKEN`).'),
      },
    }),
    async (c) => {
      const result = await accounts.register(c.req.valid('json'));
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
      summary: 'Exchange credentials for an access token',
      request: jsonBody(LoginBody),
      responses: {
        200: jsonContent(LoginResult, 'An access token and the user.'),
        400: problem('Malformed request (`VALIDATION`).'),
        401: problem('Unknown email or wrong password (`INVALID_CREDENTIALS`).'),
        429: problem('Too many attempts from this address or for this email (`RATE_LIMITED`).'),
      },
    }),
    async (c) => {
      const result = await accounts.login({ ...c.req.valid('json'), clientAddress: clientIp(c, limits.trustProxy) });
      if (!result.ok && result.reason === 'RATE_LIMITED') {
        const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
        c.header('retry-after', String(retryAfter));
        return problemResponse(c, 429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`);
      }
      if (!result.ok) throw new ApiProblem(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
      const { accessToken, tokenType, expiresIn, user } = result;
      return c.json({ accessToken, tokenType, expiresIn, user }, 200);
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
