import { validationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { RotateOptions, RotateResult, Session, SessionRevocation, SessionStore } from '../ports/session-store.js';
import { isSessionLive } from '../ports/session-store.js';
import type { Clock } from '../ports/small-ports.js';
import { createSystemClock } from './clock.js';
import { conflict, copy, requireId, timestamp } from './stores/shared.js';

export interface MemorySessionStoreOptions {
  readonly clock?: Clock;
}

const requireTtl = (ttlMs: number): number => {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw validationError(`session ttlMs must be a positive integer, got ${ttlMs}`);
  return ttlMs;
};

const requireGrace = ({ reuseGraceMs = 0 }: RotateOptions = {}): number => {
  if (!Number.isSafeInteger(reuseGraceMs) || reuseGraceMs < 0) throw validationError(`reuseGraceMs must be a non-negative integer, got ${reuseGraceMs}`);
  return reuseGraceMs;
};

/**
 * In-memory `SessionStore` (one process). Each operation reads and writes with no await in between, which is what
 * makes a rotation atomic here.
 */
export function createMemorySessionStore({ clock = createSystemClock() }: MemorySessionStoreOptions = {}): SessionStore {
  const sessions = new Map<string, Session>();
  /** Token hash → session id, for current and rotated-away tokens alike (`current` tells them apart). */
  const tokens = new Map<string, { readonly sessionId: string; current: boolean }>();
  /** Session id → the token its current one replaced, and until when (epoch ms) that token may rotate again. */
  const predecessors = new Map<string, { readonly hash: string; readonly until: number }>();
  /** Session id → its current token hash. */
  const currents = new Map<string, string>();

  const end = (session: Session, reason: SessionRevocation): Session => {
    if (session.revokedAt !== null) return session;
    const ended: Session = { ...session, revokedAt: timestamp(clock), revokedReason: reason };
    sessions.set(session.id, ended);
    return ended;
  };

  return {
    async create(input) {
      const id = requireId(input.id ?? newId(), 'session id');
      const hash = requireId(input.refreshTokenHash, 'refresh token hash');
      const ttlMs = requireTtl(input.ttlMs);
      if (sessions.has(id)) throw conflict(`session ${id} already exists`, { id });
      if (tokens.has(hash)) throw conflict('refresh token hash already in use');
      const now = timestamp(clock);
      const session: Session = {
        id,
        customerId: requireId(input.customerId, 'customerId'),
        createdAt: now,
        refreshedAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
        revokedAt: null,
        revokedReason: null,
      };
      sessions.set(id, session);
      tokens.set(hash, { sessionId: id, current: true });
      currents.set(id, hash);
      return copy(session);
    },

    async get(id) {
      const session = sessions.get(id);
      return session ? copy(session) : null;
    },

    async findByRefreshToken(tokenHash) {
      const token = tokens.get(tokenHash);
      const session = token && sessions.get(token.sessionId);
      return session ? copy(session) : null;
    },

    async rotate(presentedHash, nextHash, ttlMs, options): Promise<RotateResult> {
      requireTtl(ttlMs);
      const graceMs = requireGrace(options);
      requireId(nextHash, 'next refresh token hash');
      const token = tokens.get(presentedHash);
      const session = token && sessions.get(token.sessionId);
      if (!token || !session) return { ok: false, reason: 'UNKNOWN' };
      const now = timestamp(clock);
      const predecessor = predecessors.get(session.id);
      const retried = !token.current && predecessor?.hash === presentedHash && predecessor.until > now.getTime() && isSessionLive(session, now);
      if (!token.current && !retried) return { ok: false, reason: 'REUSED', session: copy(end(session, 'REFRESH_REUSED')) };
      if (session.revokedAt !== null) return { ok: false, reason: 'REVOKED', session: copy(session) };
      if (!isSessionLive(session, now)) return { ok: false, reason: 'EXPIRED', session: copy(session) };
      if (tokens.has(nextHash)) throw conflict('refresh token hash already in use');
      // The token being replaced: the presented one, or (a retry inside the window) the successor never received.
      const replaced = tokens.get(currents.get(session.id)!)!;
      replaced.current = false;
      tokens.set(nextHash, { sessionId: session.id, current: true });
      currents.set(session.id, nextHash);
      if (!retried) predecessors.set(session.id, { hash: presentedHash, until: now.getTime() + graceMs });
      const rotated: Session = { ...session, refreshedAt: now, expiresAt: new Date(now.getTime() + ttlMs) };
      sessions.set(session.id, rotated);
      return { ok: true, session: copy(rotated) };
    },

    async revoke(id, reason) {
      const session = sessions.get(id);
      return session ? copy(end(session, reason)) : null;
    },

    async revokeAll(customerId, reason) {
      const ended: string[] = [];
      for (const session of sessions.values()) {
        if (session.customerId === customerId && session.revokedAt === null) {
          end(session, reason);
          ended.push(session.id);
        }
      }
      return ended;
    },
  };
}
