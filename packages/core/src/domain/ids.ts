import { createHash, randomUUID } from 'node:crypto';

/** Ids are UUIDs: unguessable (order ids appear in URLs) and valid as Temporal workflow ids. */
export const newId = (): string => randomUUID();

/** The namespace of `nameBasedId` (RFC 9562 §5.5). */
const NAMESPACE = Buffer.from('4b1c0b6e8f2d4f5a9c3e7d1a2b3c4d5e', 'hex');

/**
 * The same UUID for the same name, every time and in every process (RFC 9562 version 5, SHA-1 of a namespace and
 * the name). For ids a retry must find again without having been told: the order an Idempotency-Key's first attempt
 * placed. Only as unguessable as the name: derive it from names that include a secret-enough part (a customer id).
 */
export const nameBasedId = (name: string): string => {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
