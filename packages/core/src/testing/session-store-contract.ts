import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { isLimitedCartError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { SessionStore } from '../ports/session-store.js';
import { type ContractOptions, describeKit, useTarget } from './store-contracts/cases.js';
import { waitFor } from './wait-for.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const SESSION_STORE_CASES = [
  'sessions: create starts a live session that get and findByRefreshToken return',
  'sessions: an id or token hash used twice is a CONFLICT',
  'sessions: rotate replaces the refresh token and extends the expiry',
  'sessions: a rotated-away token is reuse: the session is revoked and its newest token refused',
  'sessions: of concurrent rotations with one token exactly one succeeds, the session ends revoked',
  'sessions: inside the grace window the replaced token rotates again and retires the successor it never received',
  'sessions: the grace window runs from the first rotation and is not extended by retries',
  'sessions: inside the grace window concurrent rotations with one token all succeed and the session stays live',
  'sessions: an unknown token is UNKNOWN and changes nothing',
  'sessions: a session past its expiry refuses rotation',
  'sessions: revoke ends a session once, keeping the first reason',
  "sessions: revokeAll ends every live session of one customer and no one else's",
] as const;

export type SessionStoreCase = (typeof SESSION_STORE_CASES)[number];

/** What the session kit runs against. */
export interface SessionStoreKitTarget {
  readonly sessions: SessionStore;
  close(): Promise<void>;
}

export type MakeSessionStore = () => Promise<SessionStoreKitTarget>;

const HOUR = 3_600_000;
/** A fresh token hash as a host would store it (hex SHA-256 of 32 random bytes). */
const tokenHash = (): string => createHash('sha256').update(randomBytes(32)).digest('hex');

/**
 * The SessionStore conformance kit. `make` runs once for the block; every case uses customers and tokens of its
 * own, so the backend may hold other data.
 */
export function describeSessionStoreContract(name: string, make: MakeSessionStore, options?: ContractOptions<SessionStoreCase>): void {
  describeKit(SESSION_STORE_CASES, `SessionStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    const open = async (customerId = newId(), ttlMs = HOUR) => {
      const hash = tokenHash();
      const session = await target().sessions.create({ customerId, refreshTokenHash: hash, ttlMs });
      return { session, hash, customerId };
    };

    registry.case('sessions: create starts a live session that get and findByRefreshToken return', async () => {
      const before = Date.now();
      const { session, hash, customerId } = await open();
      expect(session.customerId, 'create keeps the customer id').toBe(customerId);
      expect(typeof session.id === 'string' && session.id.length > 0, 'create assigns an id').toBe(true);
      expect([session.revokedAt, session.revokedReason], 'a new session is not revoked').toEqual([null, null]);
      expect(session.createdAt, 'createdAt is a Date').toBeInstanceOf(Date);
      expect(
        session.expiresAt.getTime() - before,
        'a new session expires ttlMs after its creation (an hour here, give or take clock skew)',
      ).toBeGreaterThan(HOUR - 60_000);
      expect(await target().sessions.get(session.id), 'get(id) returns the created session').toEqual(session);
      expect(await target().sessions.findByRefreshToken(hash), 'findByRefreshToken finds the session by its token hash').toEqual(
        session,
      );
      expect(await target().sessions.get(newId()), 'get of an unknown id is null').toBeNull();
      expect(await target().sessions.findByRefreshToken(tokenHash()), 'findByRefreshToken of an unknown hash is null').toBeNull();
    });

    registry.case('sessions: an id or token hash used twice is a CONFLICT', async () => {
      const { session, hash } = await open();
      const sameHash = await target()
        .sessions.create({ customerId: newId(), refreshTokenHash: hash, ttlMs: HOUR })
        .catch((error: unknown) => error);
      expect(isLimitedCartError(sameHash, 'CONFLICT'), 'a second session with a token hash in use fails with CONFLICT').toBe(true);
      const sameId = await target()
        .sessions.create({ id: session.id, customerId: newId(), refreshTokenHash: tokenHash(), ttlMs: HOUR })
        .catch((error: unknown) => error);
      expect(isLimitedCartError(sameId, 'CONFLICT'), 'a second session with an id in use fails with CONFLICT').toBe(true);
    });

    registry.case('sessions: rotate replaces the refresh token and extends the expiry', async () => {
      const { session, hash } = await open(newId(), 60_000);
      const next = tokenHash();
      const rotated = await target().sessions.rotate(hash, next, HOUR);
      expect(rotated.ok, 'rotating the current token succeeds').toBe(true);
      if (!rotated.ok) return;
      expect(rotated.session.id, 'rotation keeps the session id').toBe(session.id);
      expect(rotated.session.expiresAt.getTime(), 'rotation moves the expiry to now + ttlMs').toBeGreaterThan(session.expiresAt.getTime());
      expect(rotated.session.refreshedAt.getTime(), 'rotation records when it happened').toBeGreaterThanOrEqual(session.createdAt.getTime());
      const again = await target().sessions.rotate(next, tokenHash(), HOUR);
      expect(again.ok, 'the new token rotates in turn').toBe(true);
      expect((await target().sessions.findByRefreshToken(next))?.id, 'findByRefreshToken also finds a rotated-away token').toBe(session.id);
    });

    registry.case('sessions: a rotated-away token is reuse: the session is revoked and its newest token refused', async () => {
      const { session, hash } = await open();
      const next = tokenHash();
      expect((await target().sessions.rotate(hash, next, HOUR)).ok, 'the first rotation succeeds').toBe(true);
      const replay = await target().sessions.rotate(hash, tokenHash(), HOUR);
      expect(replay.ok ? 'ok' : replay.reason, 'presenting the rotated-away token again is REUSED').toBe('REUSED');
      const stored = await target().sessions.get(session.id);
      expect(stored?.revokedReason, 'reuse revokes the whole session with REFRESH_REUSED').toBe('REFRESH_REUSED');
      expect(stored?.revokedAt, 'reuse records when the session was revoked').toBeInstanceOf(Date);
      const newest = await target().sessions.rotate(next, tokenHash(), HOUR);
      expect(newest.ok ? 'ok' : newest.reason, "after reuse the session's newest token is refused as REVOKED").toBe('REVOKED');
    });

    registry.case('sessions: of concurrent rotations with one token exactly one succeeds, the session ends revoked', async () => {
      const { session, hash } = await open();
      const results = await Promise.all(Array.from({ length: 8 }, () => target().sessions.rotate(hash, tokenHash(), HOUR)));
      expect(results.filter((result) => result.ok), 'exactly one of 8 concurrent rotations with one token succeeds').toHaveLength(1);
      expect(
        results.filter((result) => !result.ok).map((result) => (result.ok ? 'ok' : result.reason)),
        'the other rotations see the token rotated away (REUSED)',
      ).toEqual(Array(7).fill('REUSED'));
      expect((await target().sessions.get(session.id))?.revokedReason, 'the race revokes the session').toBe('REFRESH_REUSED');
    });

    registry.case('sessions: inside the grace window the replaced token rotates again and retires the successor it never received', async () => {
      const { session, hash } = await open();
      const grace = { reuseGraceMs: 60_000 };
      const [lost, retried, next] = [tokenHash(), tokenHash(), tokenHash()];
      expect((await target().sessions.rotate(hash, lost, HOUR, grace)).ok, 'the first rotation succeeds').toBe(true);
      const retry = await target().sessions.rotate(hash, retried, HOUR, grace);
      expect(retry.ok ? 'ok' : retry.reason, 'the replaced token presented again inside the window rotates').toBe('ok');
      expect((await target().sessions.get(session.id))?.revokedAt, 'a retry inside the window revokes nothing').toBeNull();
      expect((await target().sessions.rotate(retried, next, HOUR, grace)).ok, "the retry's token is the current one").toBe(true);
      const stale = await target().sessions.rotate(lost, tokenHash(), HOUR, grace);
      expect(stale.ok ? 'ok' : stale.reason, 'the successor the retry replaced is rotated away: presenting it is reuse').toBe('REUSED');
      expect((await target().sessions.get(session.id))?.revokedReason, 'that reuse revokes the session').toBe('REFRESH_REUSED');
    });

    registry.case('sessions: the grace window runs from the first rotation and is not extended by retries', async () => {
      const { session, hash } = await open();
      const grace = { reuseGraceMs: 1_000 };
      const first = await target().sessions.rotate(hash, tokenHash(), HOUR, grace);
      expect(first.ok, 'the first rotation succeeds').toBe(true);
      if (!first.ok) return;
      await waitFor(() => Date.now() > first.session.refreshedAt.getTime() + 400, { timeoutMs: 10_000, message: '400 ms into the window' });
      expect((await target().sessions.rotate(hash, tokenHash(), HOUR, grace)).ok, 'a retry inside the window rotates').toBe(true);
      // Past the first rotation's window (with margin for the store's clock), though within a second of the retry.
      await waitFor(() => Date.now() > first.session.refreshedAt.getTime() + 1_300, { timeoutMs: 10_000, message: 'the window to close' });
      const late = await target().sessions.rotate(hash, tokenHash(), HOUR, grace);
      expect(late.ok ? 'ok' : late.reason, 'after the window the replaced token is reuse').toBe('REUSED');
      expect((await target().sessions.get(session.id))?.revokedReason, 'that reuse revokes the session').toBe('REFRESH_REUSED');
    });

    registry.case('sessions: inside the grace window concurrent rotations with one token all succeed and the session stays live', async () => {
      const { session, hash } = await open();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => target().sessions.rotate(hash, tokenHash(), HOUR, { reuseGraceMs: 60_000 })),
      );
      expect(
        results.map((result) => (result.ok ? 'ok' : result.reason)),
        'every one of 8 concurrent rotations with one token succeeds inside the window',
      ).toEqual(Array(8).fill('ok'));
      expect((await target().sessions.get(session.id))?.revokedAt, 'the session stays live').toBeNull();
    });

    registry.case('sessions: an unknown token is UNKNOWN and changes nothing', async () => {
      const { session } = await open();
      const result = await target().sessions.rotate(tokenHash(), tokenHash(), HOUR);
      expect(result, 'rotating a token no session ever held is UNKNOWN').toEqual({ ok: false, reason: 'UNKNOWN' });
      expect((await target().sessions.get(session.id))?.revokedAt, 'an unknown token revokes no session').toBeNull();
    });

    registry.case('sessions: a session past its expiry refuses rotation', async () => {
      const { session, hash } = await open(newId(), 50);
      // Waits on the session's own expiry (the store's clock) rather than rotating early, which would succeed.
      await waitFor(() => Date.now() > session.expiresAt.getTime() + 100, { timeoutMs: 10_000, message: 'the 50 ms session to expire' });
      const result = await target().sessions.rotate(hash, tokenHash(), HOUR);
      expect(result.ok, 'rotating the token of an expired session fails').toBe(false);
      if (result.ok) return;
      expect(result.reason, 'a session past its expiry is EXPIRED').toBe('EXPIRED');
      expect((await target().sessions.get(session.id))?.revokedAt, 'expiry is not a revocation').toBeNull();
    });

    registry.case('sessions: revoke ends a session once, keeping the first reason', async () => {
      const { session, hash } = await open();
      const revoked = await target().sessions.revoke(session.id, 'LOGOUT');
      expect(revoked?.revokedReason, 'revoke records its reason').toBe('LOGOUT');
      expect(revoked?.revokedAt, 'revoke records when').toBeInstanceOf(Date);
      const again = await target().sessions.revoke(session.id, 'LOGOUT_ALL');
      expect(again?.revokedReason, 'a second revoke keeps the first reason').toBe('LOGOUT');
      expect(again?.revokedAt?.getTime(), 'a second revoke keeps the first time').toBe(revoked?.revokedAt?.getTime());
      const rotated = await target().sessions.rotate(hash, tokenHash(), HOUR);
      expect(rotated.ok ? 'ok' : rotated.reason, 'a revoked session refuses rotation as REVOKED').toBe('REVOKED');
      expect(await target().sessions.revoke(newId(), 'LOGOUT'), 'revoke of an unknown id is null').toBeNull();
    });

    registry.case("sessions: revokeAll ends every live session of one customer and no one else's", async () => {
      const customerId = newId();
      const mine = [await open(customerId), await open(customerId), await open(customerId)];
      await target().sessions.revoke(mine[2]!.session.id, 'LOGOUT');
      const other = await open();
      const ended = await target().sessions.revokeAll(customerId, 'LOGOUT_ALL');
      expect([...ended].sort(), 'revokeAll returns the ids of the live sessions it ended').toEqual(
        [mine[0]!.session.id, mine[1]!.session.id].sort(),
      );
      for (const { session } of mine.slice(0, 2)) {
        expect((await target().sessions.get(session.id))?.revokedReason, 'every live session of the customer is ended').toBe('LOGOUT_ALL');
      }
      expect((await target().sessions.get(mine[2]!.session.id))?.revokedReason, 'a session ended before keeps its reason').toBe('LOGOUT');
      expect((await target().sessions.get(other.session.id))?.revokedAt, "another customer's session stays live").toBeNull();
      expect(await target().sessions.revokeAll(customerId, 'LOGOUT_ALL'), 'a second revokeAll ends nothing').toEqual([]);
    });
  });
}
