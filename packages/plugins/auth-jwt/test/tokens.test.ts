import { generateKeyPairSync } from 'node:crypto';
import { isLimitedCartError } from '@limitedcart/core';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService } from '../src/tokens.js';

const SECRET = 'x'.repeat(48);
const principal = { customerId: 'c-1', email: 'a@example.com', roles: ['USER'] as const, sessionId: 's-1', version: 1 };

const expectUnauthenticated = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isLimitedCartError(error, 'UNAUTHENTICATED')).toBe(true);
};

describe('token service', () => {
  const tokens = createTokenService({ key: SECRET });

  it('issues a token that verifies back to the principal', async () => {
    const issued = await tokens.issue({ ...principal, roles: ['USER'] });
    expect(issued.tokenType).toBe('Bearer');
    await expect(tokens.verify(issued.accessToken)).resolves.toEqual({
      customerId: 'c-1',
      email: 'a@example.com',
      roles: ['USER'],
      sessionId: 's-1',
      expiresAt: expect.any(Number),
    });
  });

  it('refuses a correctly signed token that names no session (it could not be revoked)', async () => {
    const sessionless = await new SignJWT({ email: principal.email, roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('c-1')
      .setIssuer('limitedcart')
      .setAudience('limitedcart-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expectUnauthenticated(tokens.verify(sessionless));
  });

  it('rejects alg none', async () => {
    const unsigned = new UnsecuredJWT({ email: principal.email, roles: ['ADMIN'] })
      .setSubject('c-1')
      .setIssuer('limitedcart')
      .setAudience('limitedcart-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    await expectUnauthenticated(tokens.verify(unsigned));
  });

  it('rejects a token signed with another algorithm', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const eddsa = await new SignJWT({ email: principal.email, roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('c-1')
      .setIssuer('limitedcart')
      .setAudience('limitedcart-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    await expectUnauthenticated(tokens.verify(eddsa));
    const hs384 = await new SignJWT({ email: principal.email, roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS384' })
      .setSubject('c-1')
      .setIssuer('limitedcart')
      .setAudience('limitedcart-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expectUnauthenticated(tokens.verify(hs384));
  });

  it('requires exp', async () => {
    const noExp = await new SignJWT({ email: principal.email, roles: ['USER'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('c-1')
      .setIssuer('limitedcart')
      .setAudience('limitedcart-api')
      .setIssuedAt()
      .sign(new TextEncoder().encode(SECRET));
    await expectUnauthenticated(tokens.verify(noExp));
  });

  it('rejects expired tokens, a wrong issuer and a wrong secret', async () => {
    const sign = (issuer: string, exp: number | string, secret = SECRET) =>
      new SignJWT({ email: principal.email, roles: ['USER'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('c-1')
        .setIssuer(issuer)
        .setAudience('limitedcart-api')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    await expectUnauthenticated(tokens.verify(await sign('limitedcart', Math.floor(Date.now() / 1000) - 120)));
    await expectUnauthenticated(tokens.verify(await sign('someone-else', '1h')));
    await expectUnauthenticated(tokens.verify(await sign('limitedcart', '1h', 'y'.repeat(48))));
    await expectUnauthenticated(tokens.verify('not.a.token'));
  });

  it('signs and verifies with EdDSA when configured', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const ed = createTokenService({ key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), algorithm: 'EdDSA' });
    const issued = await ed.issue({ ...principal, roles: ['ADMIN'] });
    await expect(ed.verify(issued.accessToken)).resolves.toMatchObject({ roles: ['ADMIN'] });
    // An HS256 token must not pass an EdDSA verifier.
    await expectUnauthenticated(ed.verify((await tokens.issue({ ...principal, roles: ['ADMIN'] })).accessToken));
  });

  it('refuses a short HS256 secret', () => {
    expect(() => createTokenService({ key: 'short' })).toThrow(/32 bytes/);
  });
});
