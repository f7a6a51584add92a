import { createHmac } from 'node:crypto';
import { jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyHs256 } from '../src/hs256-verify.js';

const secret = new TextEncoder().encode('s'.repeat(40));
const other = new TextEncoder().encode('o'.repeat(40));
const issuer = 'limitedcart';
const audience = 'limitedcart-api';
const now = Math.floor(Date.now() / 1000);

const sign = (build: (jwt: SignJWT) => SignJWT, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }, key = secret) =>
  build(new SignJWT({ email: 'a@example.com', roles: ['USER'] }))
    .setProtectedHeader(header as { alg: string })
    .sign(key);

const full = (jwt: SignJWT) => jwt.setSubject('c1').setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime('1h');

/** Every case: the HMAC path and jose (with the options the jose path uses) must agree on accept/reject. */
const cases: [string, () => Promise<string>][] = [
  ['valid', () => sign(full)],
  ['audience array', () => sign((j) => full(j).setAudience([audience, 'other']))],
  ['expired', () => sign((j) => full(j).setExpirationTime(now - 10))],
  ['no exp', () => sign((j) => j.setSubject('c1').setIssuer(issuer).setAudience(audience).setIssuedAt())],
  ['no iat', () => sign((j) => j.setSubject('c1').setIssuer(issuer).setAudience(audience).setExpirationTime('1h'))],
  ['no sub', () => sign((j) => j.setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime('1h'))],
  ['wrong issuer', () => sign((j) => full(j).setIssuer('evil'))],
  ['wrong audience', () => sign((j) => full(j).setAudience('evil'))],
  ['not yet valid', () => sign((j) => full(j).setNotBefore(now + 3600))],
  ['wrong key', () => sign(full, undefined, other)],
  ['HS384', () => sign(full, { alg: 'HS384' })],
  [
    'crit header',
    async () => {
      // jose will not even sign an unknown critical header, so the token is put together by hand.
      const [, payload] = (await sign(full)).split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', crit: ['x'], x: 1 })).toString('base64url');
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      return `${header}.${payload}.${signature}`;
    },
  ],
  [
    'alg none',
    async () =>
      new UnsecuredJWT({ email: 'a@example.com' }).setSubject('c1').setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime('1h').encode(),
  ],
  [
    'tampered payload',
    async () => {
      const [h, , s] = (await sign(full)).split('.');
      const forged = Buffer.from(JSON.stringify({ sub: 'admin', roles: ['ADMIN'], iss: issuer, aud: audience, iat: now, exp: now + 60 })).toString(
        'base64url',
      );
      return `${h}.${forged}.${s}`;
    },
  ],
  ['garbage', async () => 'a.b.c'],
  ['two parts', async () => 'abc.def'],
];

describe('HS256 verification with node:crypto', () => {
  for (const [name, make] of cases) {
    it(`agrees with jose: ${name}`, async () => {
      const token = await make();
      const ours = verifyHs256(token, secret, { issuer, audience, now: Math.floor(Date.now() / 1000) }).ok;
      const jose = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer, audience, requiredClaims: ['exp', 'iat', 'sub'] }).then(
        () => true,
        () => false,
      );
      expect(ours).toBe(jose);
      expect(ours).toBe(name === 'valid' || name === 'audience array');
    });
  }
});
