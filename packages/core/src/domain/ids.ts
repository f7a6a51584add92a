import { randomUUID } from 'node:crypto';

/** Ids are UUIDs: unguessable (order ids appear in URLs) and valid as Temporal workflow ids. */
export const newId = (): string => randomUUID();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
