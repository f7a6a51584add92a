import { createMemoryAdmissionQueue } from '../src/memory/admission-queue.js';
import { describeAdmissionQueueContract } from '../src/testing/admission-queue-contract.js';

describeAdmissionQueueContract('memory', async ({ clock }) => ({ queue: createMemoryAdmissionQueue({ clock }), close: async () => {} }));
