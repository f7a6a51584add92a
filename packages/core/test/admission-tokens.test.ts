import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../src/memory/clock.js';
import { createMemoryRateLimiter } from '../src/memory/rate-limiter.js';
import { createAdmissionTokens } from '../src/queue/admission-tokens.js';

const KEY = 'admission-test-key-0123456789abcdef0123456789';
const expected = { customerId: 'shopper-1', dropId: 'drop-1' };

function setup(attempts = 2) {
  const clock = createManualClock(new Date('2031-03-01T12:00:00Z'));
  const rateLimiter = createMemoryRateLimiter({ now: () => clock.now().getTime() });
  const tokens = createAdmissionTokens({ key: KEY, attempts, rateLimiter, clock });
  const admittedUntil = new Date(clock.now().getTime() + 120_000);
  return { clock, tokens, rateLimiter, admittedUntil };
}

describe('admission tokens', () => {
  it('verify a token for its customer and drop, and nobody else', async () => {
    const { tokens, admittedUntil } = setup();
    const token = await tokens.issue({ ...expected, admittedUntil });
    const verified = await tokens.verify(token, expected);
    expect(verified.ok && verified.claims, 'the claims name the customer, the drop and the end of the admission').toMatchObject({
      ...expected,
      expiresAt: admittedUntil,
    });
    expect(await tokens.verify(token, { ...expected, customerId: 'shopper-2' }), 'another customer').toEqual({ ok: false, reason: 'MISMATCH' });
    expect(await tokens.verify(token, { ...expected, dropId: 'drop-2' }), 'another drop').toEqual({ ok: false, reason: 'MISMATCH' });
  });

  it('refuse expired, forged, unsigned and foreign tokens', async () => {
    const { tokens, admittedUntil, clock } = setup();
    const token = await tokens.issue({ ...expected, admittedUntil });
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'shopper-2' })).toString('base64url')}.${signature}`;
    expect(await tokens.verify(forged, { ...expected, customerId: 'shopper-2' }), 'a payload changed after signing').toEqual({ ok: false, reason: 'INVALID' });
    const otherKey = createAdmissionTokens({ key: `${KEY}-other`, rateLimiter: createMemoryRateLimiter(), clock });
    expect(await tokens.verify(await otherKey.issue({ ...expected, admittedUntil }), expected), 'signed with another key').toEqual({ ok: false, reason: 'INVALID' });
    const unsigned = new UnsecuredJWT({ drop: expected.dropId }).setSubject(expected.customerId).setAudience('limitedcart:admission').setIssuer('limitedcart').setExpirationTime(admittedUntil).setJti('x').encode();
    expect(await tokens.verify(unsigned, expected), 'alg none').toEqual({ ok: false, reason: 'INVALID' });
    const accessToken = await new SignJWT({ drop: expected.dropId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(expected.customerId)
      .setIssuer('limitedcart')
      .setAudience('limitedcart')
      .setExpirationTime(admittedUntil)
      .setJti('x')
      .sign(new TextEncoder().encode(KEY));
    expect(await tokens.verify(accessToken, expected), 'a token of another audience signed with the same key').toEqual({ ok: false, reason: 'INVALID' });
    expect(await tokens.verify('not-a-token', expected), 'garbage').toEqual({ ok: false, reason: 'INVALID' });
    clock.advance(120_001);
    expect(await tokens.verify(token, expected), 'past the admission').toEqual({ ok: false, reason: 'EXPIRED' });
  });

  it('allow a budget of order attempts per admission, shared by every token issued for it', async () => {
    const { tokens, admittedUntil, clock } = setup(2);
    const token = await tokens.issue({ ...expected, admittedUntil });
    expect((await tokens.consume(token, expected)).ok, 'first attempt').toBe(true);
    clock.advance(1_000);
    const reissued = await tokens.issue({ ...expected, admittedUntil });
    expect(reissued, 'a token issued later is a new string').not.toBe(token);
    expect((await tokens.consume(reissued, expected)).ok, 'second attempt, with the re-issued token').toBe(true);
    expect(await tokens.consume(token, expected), 'the budget of two is spent').toEqual({ ok: false, reason: 'SPENT' });
    expect(await tokens.consume(reissued, expected), 'for every token of the admission').toEqual({ ok: false, reason: 'SPENT' });
    const next = await tokens.issue({ ...expected, admittedUntil: new Date(admittedUntil.getTime() + 600_000) });
    expect((await tokens.consume(next, expected)).ok, 'a later admission has a budget of its own').toBe(true);
    expect(await tokens.consume(token, { ...expected, dropId: 'drop-2' }), 'a mismatched token spends nothing').toEqual({ ok: false, reason: 'MISMATCH' });
  });

  it('need a key of at least 32 bytes and a positive budget', () => {
    const rateLimiter = createMemoryRateLimiter();
    expect(() => createAdmissionTokens({ key: 'short', rateLimiter })).toThrow(/32 bytes/);
    expect(() => createAdmissionTokens({ key: KEY, rateLimiter, attempts: 0 })).toThrow(/attempts/);
  });
});
