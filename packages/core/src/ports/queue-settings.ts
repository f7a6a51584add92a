/**
 * What the server decides about a queued drop beyond the queue's own settings (`AdmissionQueue.configure`: mode and
 * opening): how long an admission lasts, the abandonment margin, proof of work on join and the cap of entries per
 * client address.
 */
export interface DropQueuePolicy {
  /** How long an admitted shopper may take to place an order before the turn goes to the next. */
  readonly admitForSeconds: number;
  /** Extra admissions beyond the units available, as a share of them (0.1: 110 shoppers for 100 units). */
  readonly abandonmentMargin: number;
  /** An ALTCHA proof of work required on join, of this difficulty (the solver's largest number); null: none. */
  readonly proofOfWork: { readonly difficulty: number } | null;
  /** Entries one client address may make in the drop's queue; null: no cap. */
  readonly maxEntriesPerAddress: number | null;
}

export const DEFAULT_DROP_QUEUE_POLICY: DropQueuePolicy = {
  admitForSeconds: 120,
  abandonmentMargin: 0.1,
  proofOfWork: null,
  maxEntriesPerAddress: null,
};

/** How many entries one client address made in a drop's queue (the admin view's suspicious addresses). */
export interface AddressEntries {
  readonly address: string;
  readonly entries: number;
}

/**
 * The server-side settings of queued drops and the entries counted per client address. Which drops have a queue is
 * answered here too (`list`): the admitter serves every drop with a policy whose queue is still open.
 */
export interface QueueSettingsStore {
  /** Creates or replaces the drop's policy. */
  put(dropId: string, policy: DropQueuePolicy): Promise<void>;
  get(dropId: string): Promise<DropQueuePolicy | null>;
  /** Every drop with a policy. */
  list(): Promise<string[]>;
  /**
   * Counts one entry from `address` in the drop's queue unless the address already has `cap` entries (null: no
   * cap), atomically, so concurrent joins from one address cannot pass the cap together. Returns whether it counted.
   */
  countAddress(dropId: string, address: string, cap: number | null): Promise<boolean>;
  /** Takes back one counted entry (a join that turned out to be a repeat). */
  uncountAddress(dropId: string, address: string): Promise<void>;
  /** The addresses with the most entries (at least `minEntries`), most first, at most `limit`. */
  addresses(dropId: string, options: { readonly minEntries: number; readonly limit: number }): Promise<AddressEntries[]>;
}
