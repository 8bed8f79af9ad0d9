/**
 * @module errors
 * One error class per domain, each with a `code` callers branch on (never the message).
 */
export class DomainError<C extends string> extends Error {
  constructor(public readonly code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
