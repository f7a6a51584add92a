import { randomBytes } from 'node:crypto';
import { POSTGRES_CONNECTION } from '@limitedcart/adapter-postgres';
import { waitFor } from '@limitedcart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFrom } from './from-address.js';
import { openSse } from './sse.js';
import { type Client, client, createStockedProduct, createUsers, startTestServer, type TestServer } from './support.js';

const PASSWORD = 'correct horse battery';
const email = (who: string) => `${who}-${randomBytes(4).toString('hex')}@example.com`;
/** SESSION_CHECK_TTL_MS (default): the stated bound on how late a change reaches a token check. */
const BOUND_MS = 5_000;

/** The refresh cookie a response set, parsed; null when none. */
function refreshCookie(headers: Headers): { value: string; attributes: string } | null {
  const line = headers.getSetCookie().find((cookie) => cookie.startsWith('limitedcart_refresh='));
  if (!line) return null;
  const [pair = '', ...attributes] = line.split(';');
  return { value: pair.slice('limitedcart_refresh='.length), attributes: attributes.join(';').trim() };
}

/** How long `check` took to become true, in ms; fails past `timeoutMs`. */
async function msUntil(check: () => Promise<boolean>, timeoutMs = BOUND_MS + 3_000): Promise<number> {
  const started = Date.now();
  await waitFor(check, { timeoutMs, intervalMs: 50, message: 'the change to reach the token check' });
  return Date.now() - started;
}

describe('sessions over HTTP (Postgres)', () => {
  let server: TestServer;
  let api: Client;

  beforeAll(async () => {
    server = await startTestServer('postgres');
    api = client(server.url);
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  const signUp = async () => {
    const address = email('session');
    expect((await api.post('/api/auth/register', { email: address, password: PASSWORD })).status).toBe(201);
    const login = await api.post('/api/auth/login', { email: address, password: PASSWORD });
    expect(login.status).toBe(200);
    return { email: address, token: login.body.accessToken as string, cookie: refreshCookie(login.headers)!, user: login.body.user };
  };
  const refreshWithCookie = (value: string) => api.post('/api/auth/refresh', undefined, { headers: { cookie: `limitedcart_refresh=${value}` } });

  it('login gives a 5-minute access token and the refresh token only as an HttpOnly, SameSite=Strict cookie on /api/auth', async () => {
    const { cookie } = await signUp();
    const login = await api.post('/api/auth/login', { email: (await signUp()).email, password: PASSWORD });
    expect(login.body.expiresIn).toBe(300);
    expect(login.body.refreshExpiresIn).toBe(1_209_600);
    expect(login.body).not.toHaveProperty('refreshToken');
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes).toMatch(/HttpOnly/i);
    expect(cookie.attributes).toMatch(/SameSite=Strict/i);
    expect(cookie.attributes).toMatch(/Path=\/api\/auth/i);
    // Plain http here: a Secure cookie would never come back.
    expect(cookie.attributes).not.toMatch(/Secure/i);
    // Stored hashed: the token appears nowhere in the database.
    const { pool, schema } = server.engine.resolve(POSTGRES_CONNECTION);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".sessions WHERE refresh_token_hash = $1`, [cookie.value]);
    expect(rows[0].n).toBe(0);
  });

  it('refresh rotates the token; a retry with the old one refreshes once more, and the successor it retired is a replay that ends the whole session', async () => {
    const { cookie } = await signUp();
    const first = await refreshWithCookie(cookie.value);
    expect(first.status).toBe(200);
    const lost = refreshCookie(first.headers)!;
    expect(lost.value).not.toBe(cookie.value);
    expect((await api.get('/api/auth/me', { token: first.body.accessToken })).status).toBe(200);

    // The answer never reached the browser (a reload mid-refresh): it sends the old cookie again, inside the window.
    const retry = await refreshWithCookie(cookie.value);
    expect(retry.status).toBe(200);
    const current = refreshCookie(retry.headers)!;
    expect((await api.get('/api/auth/me', { token: retry.body.accessToken })).status).toBe(200);

    // Whoever still holds the successor the retry retired is replaying it: the whole session ends.
    const replay = await refreshWithCookie(lost.value);
    expect([replay.status, replay.body.code]).toEqual([401, 'INVALID_REFRESH_TOKEN']);
    expect((await refreshWithCookie(current.value)).status).toBe(401);
    expect((await refreshWithCookie(cookie.value)).status).toBe(401);
    const ms = await msUntil(async () => (await api.get('/api/auth/me', { token: retry.body.accessToken })).status === 401);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
  });

  it('a non-browser client gets and sends the refresh token in the body', async () => {
    const { email: address } = await signUp();
    const login = await api.post('/api/auth/login', { email: address, password: PASSWORD, refreshTokenIn: 'body' });
    expect(refreshCookie(login.headers)).toBeNull();
    const refreshed = await api.post('/api/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshCookie(refreshed.headers)).toBeNull();
  });

  it("a demoted ADMIN loses ADMIN within the bound and cannot promote itself back with the old token", async () => {
    const [demoted, other] = await createUsers(server, 2, ['ADMIN'], 'admin');
    expect((await api.get('/api/admin/users', { token: demoted!.token })).status).toBe(200);
    expect((await api.patch(`/api/admin/users/${demoted!.id}/roles`, { roles: ['USER'] }, { token: other!.token })).status).toBe(200);
    const ms = await msUntil(async () => (await api.get('/api/admin/users', { token: demoted!.token })).status === 401);
    console.info(`demoted ADMIN token refused after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
    const selfPromote = await api.patch(`/api/admin/users/${demoted!.id}/roles`, { roles: ['ADMIN'] }, { token: demoted!.token });
    expect(selfPromote.status).toBe(401);
    expect((await server.engine.ports.customers.get(demoted!.id))?.roles).toEqual(['USER']);
    // Refreshing is how a client picks up its new roles.
    const refreshed = await api.post('/api/auth/refresh', { refreshToken: demoted!.refreshToken });
    expect(refreshed.body.user.roles).toEqual(['USER']);
    expect((await api.get('/api/admin/users', { token: refreshed.body.accessToken })).status).toBe(403);
  });

  it("a deleted account's token places no order (refused within the bound, with no event announcing it)", async () => {
    const [shopper] = await createUsers(server, 1, ['USER'], 'deleted');
    const product = await createStockedProduct(server, { units: 10, limit: 0 });
    const order = () => api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper!.token });
    expect((await order()).status).toBe(202);
    const { pool, schema } = server.engine.resolve(POSTGRES_CONNECTION);
    await pool.query(`DELETE FROM "${schema}".customers WHERE id = $1`, [shopper!.id]);
    const ms = await msUntil(async () => (await order()).status === 401);
    console.info(`deleted account's token refused after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(BOUND_MS + 500);
  });

  it('locking an account refuses its tokens, its refresh and its login; unlocking lets it sign in again', async () => {
    const [admin] = await createUsers(server, 1, ['ADMIN'], 'locker');
    const victim = await signUp();
    const lock = await api.patch(`/api/admin/users/${victim.user.id}`, { disabled: true }, { token: admin!.token });
    expect([lock.status, lock.body.user.disabled]).toEqual([200, true]);
    const ms = await msUntil(async () => (await api.get('/api/auth/me', { token: victim.token })).status === 401);
    console.info(`locked account's token refused after ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
    expect((await refreshWithCookie(victim.cookie.value)).status).toBe(401);
    const login = await api.post('/api/auth/login', { email: victim.email, password: PASSWORD });
    expect([login.status, login.body.code]).toEqual([403, 'ACCOUNT_DISABLED']);
    expect((await api.patch(`/api/admin/users/${victim.user.id}`, { disabled: false }, { token: admin!.token })).body.user.disabled).toBe(false);
    expect((await api.post('/api/auth/login', { email: victim.email, password: PASSWORD })).status).toBe(200);
  });

  it('logout ends this session; logout?all=true ends every session of the account', async () => {
    const one = await signUp();
    const logout = await api.post('/api/auth/logout', undefined, { headers: { cookie: `limitedcart_refresh=${one.cookie.value}` } });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().join()).toMatch(/limitedcart_refresh=;.*Max-Age=0/i);
    expect((await refreshWithCookie(one.cookie.value)).status).toBe(401);
    expect(await msUntil(async () => (await api.get('/api/auth/me', { token: one.token })).status === 401)).toBeLessThanOrEqual(BOUND_MS);

    const laptop = await signUp();
    const phone = await api.post('/api/auth/login', { email: laptop.email, password: PASSWORD });
    const everywhere = await api.post('/api/auth/logout?all=true', undefined, { token: laptop.token });
    expect(everywhere.status).toBe(204);
    expect(await msUntil(async () => (await api.get('/api/auth/me', { token: phone.body.accessToken })).status === 401)).toBeLessThanOrEqual(
      BOUND_MS,
    );
    expect((await refreshWithCookie(refreshCookie(phone.headers)!.value)).status).toBe(401);
    expect((await api.post('/api/auth/logout')).status).toBe(401);
  });

  it('a notification stream ends when its session is revoked', async () => {
    const user = await signUp();
    const stream = await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${user.token}` });
    expect(stream.status).toBe(200);
    await waitFor(() => stream.events.some((event) => event.event === 'ready'), { message: 'the stream to open' });
    const started = Date.now();
    await api.post('/api/auth/logout', undefined, { token: user.token });
    await stream.ended;
    const ms = Date.now() - started;
    console.info(`stream of a revoked session ended after ${ms} ms`);
    expect(stream.events.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ reason: 'REVOKED' }) });
    expect(ms).toBeLessThanOrEqual(BOUND_MS + 1_000);
  });
});

describe('strict one-time refresh tokens (REFRESH_REUSE_GRACE_SECONDS=0, memory)', () => {
  let server: TestServer;
  let api: Client;

  beforeAll(async () => {
    server = await startTestServer('memory', { REFRESH_REUSE_GRACE_SECONDS: '0' });
    api = client(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('replaying the old token at once ends the whole session, the newest token and its access token included', async () => {
    const [user] = await createUsers(server, 1);
    const first = await api.post('/api/auth/refresh', { refreshToken: user!.refreshToken });
    expect(first.status).toBe(200);
    const replay = await api.post('/api/auth/refresh', { refreshToken: user!.refreshToken });
    expect([replay.status, replay.body.code]).toEqual([401, 'INVALID_REFRESH_TOKEN']);
    expect((await api.post('/api/auth/refresh', { refreshToken: first.body.refreshToken })).status).toBe(401);
    const ms = await msUntil(async () => (await api.get('/api/auth/me', { token: first.body.accessToken })).status === 401);
    expect(ms).toBeLessThanOrEqual(BOUND_MS);
  });
});

describe('short access tokens (memory)', () => {
  let server: TestServer;
  let api: Client;

  beforeAll(async () => {
    server = await startTestServer('memory', { ACCESS_TOKEN_TTL_SECONDS: '5' });
    api = client(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a notification stream ends when its access token expires; the refreshed token opens a new one', async () => {
    const [user] = await createUsers(server, 1);
    const stream = await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${user!.token}` });
    expect(stream.status).toBe(200);
    const started = Date.now();
    await stream.ended;
    console.info(`stream ended ${Date.now() - started} ms after opening with a 5 s token`);
    expect(stream.events.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ reason: 'TOKEN_EXPIRED' }) });
    expect(Date.now() - started).toBeLessThan(7_000);
    expect((await api.get('/api/auth/me', { token: user!.token })).status).toBe(401);
    const refreshed = await api.post('/api/auth/refresh', { refreshToken: user!.refreshToken });
    const again = await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${refreshed.body.accessToken}` });
    expect(again.status).toBe(200);
    again.close();
  }, 20_000);
});

describe('login and registration abuse (memory)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('memory', {
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_IP: '3',
      RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '3',
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  const post = (from: string, path: string, body: unknown) => requestFrom(from, `${server.url}${path}`, 'POST', body);

  it("wrong guesses from one address slow that address down, never the owner's sign-in from another", async () => {
    const owner = email('owner');
    expect((await post('127.0.0.9', '/api/auth/register', { email: owner, password: PASSWORD })).status).toBe(201);
    const guesses = [];
    for (let i = 0; i < 20; i++) guesses.push(await post('127.0.0.2', '/api/auth/login', { email: owner, password: `wrong-guess-${i}` }));
    expect(guesses.slice(0, 3).map((r) => r.status)).toEqual([401, 401, 401]);
    expect(guesses.slice(3).every((r) => r.status === 429)).toBe(true);
    expect(Number(guesses[3]!.headers['retry-after'])).toBeGreaterThan(0);
    // The owner, elsewhere, signs in at once with the right password.
    expect((await post('127.0.0.3', '/api/auth/login', { email: owner, password: PASSWORD })).status).toBe(200);
    // The guessing address may still try other accounts it is not slowed down on (spraying is the address limit's job).
    expect((await post('127.0.0.2', '/api/auth/login', { email: email('other'), password: 'whatever-pw1' })).status).toBe(401);
  });

  it('limits registrations per address with 429 and retry-after', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await post('127.0.0.4', '/api/auth/register', { email: email('sybil'), password: PASSWORD }));
    expect(statuses.map((r) => r.status)).toEqual([201, 201, 201, 429]);
    expect(statuses[3]!.body.code).toBe('RATE_LIMITED');
    expect(Number(statuses[3]!.headers['retry-after'])).toBeGreaterThan(3000);
    expect((await post('127.0.0.5', '/api/auth/register', { email: email('honest'), password: PASSWORD })).status).toBe(201);
  });

  it.each([['12345678'], ['password'], [' '.repeat(10)], ['1234567890'], ['password123'], ['qwertyuiop'], ['aaaaaaaaaaaa']])(
    'refuses the password %j with 400 VALIDATION on the password field',
    async (password) => {
      const address = email('weak');
      const response = await post('127.0.0.6', '/api/auth/register', { email: address, password });
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION']);
      expect(JSON.stringify(response.body)).toContain('password');
      expect(await server.engine.ports.customers.getByEmail(address)).toBeNull();
    },
  );
});

describe('registration timing (memory)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('memory');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('takes as long for a taken email (409 EMAIL_TAKEN) as for a new one', async () => {
    const api = client(server.url);
    const taken = email('taken');
    expect((await api.post('/api/auth/register', { email: taken, password: PASSWORD })).status).toBe(201);
    const timed = async (address: string, status: number) => {
      const started = performance.now();
      const response = await api.post('/api/auth/register', { email: address, password: PASSWORD });
      expect(response.status).toBe(status);
      return performance.now() - started;
    };
    const newTimes: number[] = [];
    const takenTimes: number[] = [];
    // Interleaved, so a slow moment of the machine falls on both.
    for (let i = 0; i < 7; i++) {
      newTimes.push(await timed(email('new'), 201));
      takenTimes.push(await timed(taken.toUpperCase(), 409));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.info(`register median: new ${median(newTimes).toFixed(1)} ms, taken ${median(takenTimes).toFixed(1)} ms`);
    expect(median(takenTimes) / median(newTimes)).toBeGreaterThan(0.5);
    expect(median(takenTimes) / median(newTimes)).toBeLessThan(2);
  });
});
