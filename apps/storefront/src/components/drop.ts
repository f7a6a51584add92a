/** true while a product's scheduled sale start is still ahead. */
export const isBeforeDrop = (saleStartsAt: string | null, now: number): boolean =>
  saleStartsAt !== null && Date.parse(saleStartsAt) > now;
