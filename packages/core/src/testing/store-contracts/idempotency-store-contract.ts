import { expect } from 'vitest';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { type MakeStores, uniqueTag } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const IDEMPOTENCY_STORE_CASES = [
  'idempotency: the first claim wins; later claims see the in-flight record',
  'idempotency: 10 concurrent claims of one key: exactly one claimed',
  'idempotency: complete stores the response that later claims replay',
  'idempotency: abandon frees the key for a new claim',
  'idempotency: keys are separate per scope',
  'idempotency: find reads the record without claiming',
  'idempotency: reclaim takes over a stale in-flight claim once; a fresh or completed one stays',
] as const;

export type IdempotencyStoreCase = (typeof IDEMPOTENCY_STORE_CASES)[number];

/** Registers the IdempotencyStore cases. */
export function idempotencyStoreCases(stores: () => StoreSet, registry: CaseRegistry<IdempotencyStoreCase>): void {
  registry.case('idempotency: the first claim wins; later claims see the in-flight record', async () => {
    const { idempotency } = stores();
    const scope = `kit-${uniqueTag()}`;
    expect(
      await idempotency.claim(scope, 'key-1', 'hash-a'),
      'the first claim of a key is claimed',
    ).toEqual({ claimed: true });
    const again = await idempotency.claim(scope, 'key-1', 'hash-b');
    expect(again.claimed, 'a second claim of the same key is not claimed').toBe(false);
    if (again.claimed) throw new Error('unreachable');
    expect(
      again.record,
      "a refused claim returns the first claim's record (its hash, no response yet)",
    ).toMatchObject({ scope, key: 'key-1', requestHash: 'hash-a', response: null });
    expect(again.record.createdAt, "the record's createdAt is a Date").toBeInstanceOf(Date);
  });

  registry.case('idempotency: 10 concurrent claims of one key: exactly one claimed', async () => {
    const { idempotency } = stores();
    const scope = `kit-${uniqueTag()}`;
    const results = await Promise.all(Array.from({ length: 10 }, () => idempotency.claim(scope, 'contended', 'hash')));
    expect(
      results.filter((result) => result.claimed),
      'of 10 concurrent claims of one key exactly one is claimed',
    ).toHaveLength(1);
  });

  registry.case('idempotency: complete stores the response that later claims replay', async () => {
    const { idempotency } = stores();
    const scope = `kit-${uniqueTag()}`;
    await idempotency.claim(scope, 'key', 'hash');
    const response = { status: 202, body: { orderId: 'o-1', status: 'PENDING', nested: { list: [1, 2] } } };
    await idempotency.complete(scope, 'key', response);
    const replay = await idempotency.claim(scope, 'key', 'hash');
    if (replay.claimed) throw new Error('a completed key must not be claimable');
    expect(replay.record.response, 'a claim after complete replays the stored response unchanged').toEqual(response);
    expect(replay.record.requestHash, 'the replayed record keeps the request hash of the claim').toBe('hash');
  });

  registry.case('idempotency: abandon frees the key for a new claim', async () => {
    const { idempotency } = stores();
    const scope = `kit-${uniqueTag()}`;
    await idempotency.claim(scope, 'key', 'hash-1');
    await idempotency.abandon(scope, 'key');
    expect(
      await idempotency.claim(scope, 'key', 'hash-2'),
      'after abandon the key can be claimed again',
    ).toEqual({ claimed: true });
    const record = await idempotency.claim(scope, 'key', 'hash-3');
    expect(
      record.claimed ? null : record.record.requestHash,
      "the record of the key is the new claim's",
    ).toBe('hash-2');
  });

  registry.case('idempotency: keys are separate per scope', async () => {
    const { idempotency } = stores();
    const tag = uniqueTag();
    expect(
      await idempotency.claim(`a-${tag}`, 'same-key', 'hash'),
      'a key is claimable in one scope',
    ).toEqual({ claimed: true });
    expect(
      await idempotency.claim(`b-${tag}`, 'same-key', 'hash'),
      'the same key is claimable again in another scope',
    ).toEqual({ claimed: true });
  });

  registry.case('idempotency: find reads the record without claiming', async () => {
    const { idempotency } = stores();
    const scope = `kit-${uniqueTag()}`;
    expect(await idempotency.find(scope, 'key'), 'find of an unknown key is null').toBeNull();
    // Finding claims nothing: the key is still free.
    expect(
      await idempotency.claim(scope, 'key', 'hash'),
      'find claims nothing: the key is still free',
    ).toEqual({ claimed: true });
    expect(
      await idempotency.find(scope, 'key'),
      'find returns the claimed record, without a response',
    ).toMatchObject({ scope, key: 'key', requestHash: 'hash', response: null });
    await idempotency.complete(scope, 'key', { status: 202, body: { orderId: 'o-1' } });
    expect(
      (await idempotency.find(scope, 'key'))?.response,
      'find returns the completed response',
    ).toEqual({ status: 202, body: { orderId: 'o-1' } });
    await idempotency.abandon(scope, 'key');
    expect(
      (await idempotency.find(scope, 'key'))?.response,
      'abandon after complete keeps the response',
    ).toEqual({ status: 202, body: { orderId: 'o-1' } });
    expect(await idempotency.find(`other-${scope}`, 'key'), 'find in another scope does not see the key').toBeNull();
  });

  registry.case('idempotency: reclaim takes over a stale in-flight claim once; a fresh or completed one stays', async () => {
    const { idempotency } = stores();
    const scope = `kit-${uniqueTag()}`;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await idempotency.claim(scope, 'dead', 'hash-a');
    expect(await idempotency.reclaim(scope, 'dead', 60_000), 'a claim younger than staleAfterMs is not reclaimed').toBe(false);
    expect(await idempotency.reclaim(scope, 'unknown', 0), 'an unknown key is not reclaimed').toBe(false);
    await sleep(60);
    const takeovers = await Promise.all(Array.from({ length: 5 }, () => idempotency.reclaim(scope, 'dead', 40)));
    expect(takeovers.filter(Boolean), 'of 5 concurrent reclaims of one stale claim exactly one takes it over').toHaveLength(1);
    expect(await idempotency.reclaim(scope, 'dead', 40), 'a claim just taken over is fresh again').toBe(false);
    const record = await idempotency.find(scope, 'dead');
    expect(record, 'a reclaimed key stays in flight with its request hash').toMatchObject({ requestHash: 'hash-a', response: null });

    await idempotency.claim(scope, 'done', 'hash');
    await idempotency.complete(scope, 'done', { status: 200, body: { ok: true } });
    await sleep(60);
    expect(await idempotency.reclaim(scope, 'done', 40), 'a completed key is never reclaimed').toBe(false);
    expect((await idempotency.find(scope, 'done'))?.response, 'a completed key keeps its response').toEqual({ status: 200, body: { ok: true } });
  });
}

/** The IdempotencyStore conformance kit. */
export function describeIdempotencyStoreContract(name: string, make: MakeStores, options?: ContractOptions<IdempotencyStoreCase>): void {
  describeKit(IDEMPOTENCY_STORE_CASES, `IdempotencyStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    idempotencyStoreCases(() => target().stores, registry);
  });
}
