import { describeAdmissionQueueContract } from '../src/testing/admission-queue-contract.js';
import { createMemoryAdmissionQueue } from '../src/memory/admission-queue.js';

describeAdmissionQueueContract('memory', async ({ clock }) => ({ queue: createMemoryAdmissionQueue({ clock }), close: async () => {} }));
