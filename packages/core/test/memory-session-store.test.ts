import { createMemorySessionStore } from '../src/memory/session-store.js';
import { describeSessionStoreContract } from '../src/testing/session-store-contract.js';

describeSessionStoreContract('memory', async () => ({ sessions: createMemorySessionStore(), close: async () => {} }));
