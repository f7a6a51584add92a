import { createMemoryQueueSettingsStore } from '../src/memory/queue-settings.js';
import { describeQueueSettingsContract } from '../src/testing/queue-settings-contract.js';

describeQueueSettingsContract('memory', async () => ({ settings: createMemoryQueueSettingsStore(), close: async () => {} }));
