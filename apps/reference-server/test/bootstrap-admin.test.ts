import { randomBytes } from 'node:crypto';
import type { Logger } from '@limitedcart/core';
import { afterAll, describe, expect, it } from 'vitest';
import { client, dropSchemas, startTestServer, type TestServer } from './support.js';

/** Keeps the messages logged at warn, so a test can see what the operator is told. */
const recordingLogger = () => {
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => {
      warnings.push(message);
    },
    error: () => {},
    child: () => logger,
  };
  return { logger, warnings };
};

const login = async (url: string, email: string, password: string) => client(url).post('/api/auth/login', { email, password });

// Restarts against one database schema: the durable composition only (CI always has DATABASE_URL).
describe.skipIf(!process.env.DATABASE_URL && !process.env.CI)('bootstrap admin over real server starts', () => {
  const schema = `rs_boot_${randomBytes(4).toString('hex')}`;
  const operatorEmail = `ops-${randomBytes(3).toString('hex')}@shop.test`;
  const adminPassword = 'operator-chosen-password';
  const attackerPassword = 'attacker-chosen-password';
  const start = (env: Record<string, string> = {}, logger?: Logger) =>
    startTestServer('postgres', { DB_SCHEMA: schema, ...env }, { keepSchema: true, ...(logger ? { logger } : {}) });
  const running: TestServer[] = [];
  const stopAll = async () => {
    for (const server of running.splice(0)) await server.close();
  };

  afterAll(async () => {
    await stopAll();
    await dropSchemas(process.env.DATABASE_URL!, [schema, `${schema}_saga`, `${schema}_saga_boss`]);
  });

  it('refuses to make a stranger who registered ADMIN_EMAIL first an admin; ADMIN_TAKEOVER takes the account over', async () => {
    // Before the operator's first start, someone registers the address they will use.
    running.push(await start());
    const registered = await client(running[0]!.url).post('/api/auth/register', { email: operatorEmail, password: attackerPassword });
    expect(registered.status).toBe(201);
    await stopAll();

    await expect(start({ ADMIN_EMAIL: operatorEmail, ADMIN_PASSWORD: adminPassword }), 'the start is refused').rejects.toThrow(
      /belongs to an existing account without the ADMIN role.*ADMIN_TAKEOVER=true/s,
    );

    // Nothing changed: the stranger is still a shopper and the operator's password opens nothing.
    running.push(await start());
    const url = running[0]!.url;
    const stranger = await login(url, operatorEmail, attackerPassword);
    expect(stranger.body.user.roles).toEqual(['USER']);
    expect((await client(url).get('/api/admin/users', { token: stranger.body.accessToken })).status).toBe(403);
    expect((await login(url, operatorEmail, adminPassword)).status).toBe(401);
    await stopAll();

    const { logger, warnings } = recordingLogger();
    running.push(await start({ ADMIN_EMAIL: operatorEmail, ADMIN_PASSWORD: adminPassword, ADMIN_TAKEOVER: 'true' }, logger));
    const taken = running[0]!.url;
    expect(warnings.some((message) => message.includes('took an existing account over')), 'the takeover is logged').toBe(true);
    expect((await login(taken, operatorEmail, attackerPassword)).status, "the stranger's password no longer works").toBe(401);
    const operator = await login(taken, operatorEmail, adminPassword);
    expect(operator.status).toBe(200);
    expect(operator.body.user.roles).toEqual(['USER', 'ADMIN']);
    const audit = await client(taken).get(`/api/admin/audit?kind=customer.roles-changed&subject=${operator.body.user.id}`, {
      token: operator.body.accessToken,
    });
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actorId: null,
        details: { from: ['USER'], to: ['USER', 'ADMIN'], reason: expect.stringContaining('ADMIN_TAKEOVER') },
      }),
    ]);
    await stopAll();
  }, 120_000);

  it('keeps an existing admin working, and says so when ADMIN_PASSWORD is not its password', async () => {
    running.push(await start({ ADMIN_EMAIL: operatorEmail, ADMIN_PASSWORD: adminPassword }));
    expect((await login(running[0]!.url, operatorEmail, adminPassword)).body.user.roles).toContain('ADMIN');
    await stopAll();

    const { logger, warnings } = recordingLogger();
    running.push(await start({ ADMIN_EMAIL: operatorEmail, ADMIN_PASSWORD: 'a-different-password' }, logger));
    expect(warnings.some((message) => message.includes('ADMIN_PASSWORD does not match')), 'the mismatch is logged').toBe(true);
    // The account keeps its own password: a changed variable does not silently reset it.
    expect((await login(running[0]!.url, operatorEmail, adminPassword)).status).toBe(200);
    expect((await login(running[0]!.url, operatorEmail, 'a-different-password')).status).toBe(401);
    await stopAll();
  }, 120_000);
});

describe('bootstrap admin settings', () => {
  it('creates a free ADMIN_EMAIL as an admin with ADMIN_PASSWORD', async () => {
    const server = await startTestServer('memory', { ADMIN_EMAIL: 'first@shop.test', ADMIN_PASSWORD: 'operator-password' });
    try {
      const response = await login(server.url, 'first@shop.test', 'operator-password');
      expect(response.body.user.roles).toEqual(['ADMIN']);
    } finally {
      await server.close();
    }
  });

  it('refuses ADMIN_EMAIL without ADMIN_PASSWORD (and the reverse) instead of ignoring it', async () => {
    await expect(startTestServer('memory', { ADMIN_EMAIL: 'alone@shop.test' })).rejects.toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD must be set together/);
    await expect(startTestServer('memory', { ADMIN_PASSWORD: 'operator-password' })).rejects.toThrow(/must be set together/);
  });
});
