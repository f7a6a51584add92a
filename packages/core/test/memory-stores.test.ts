import { describe, expect, it } from 'vitest';
import { createMemoryStores } from '../src/memory/stores/index.js';
import { CaseRegistry, describeStoreContracts, STORE_CONTRACT_CASES } from '../src/testing/store-contracts/index.js';

describeStoreContracts('memory', async () => ({ stores: createMemoryStores(), close: async () => {} }));

describe('store kit options', () => {
  it('rejects a skip that names no case, so a typo cannot silently run nothing', () => {
    expect(() => new CaseRegistry(STORE_CONTRACT_CASES, { skip: { 'no such case': 'typo' } as never })).toThrow(
      /no such case/,
    );
  });

  it('lists every case name once', () => {
    expect(new Set(STORE_CONTRACT_CASES).size).toBe(STORE_CONTRACT_CASES.length);
  });
});
