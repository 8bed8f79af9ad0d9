/**
 * @module util/compare
 * Ordering of plain ASCII identifiers (families, models, scopes, ISO dates) without
 * `String.prototype.localeCompare`, whose first call makes Node fault in ICU's collation code and
 * data (~3 MB resident for the life of the process); the SPA sorts for display in the user's locale.
 */
export function compareText(a: string, b: string): number {
  const la = a.toLowerCase(); const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
