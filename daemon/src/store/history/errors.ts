/**
 * @module store/history/errors
 * The history store's one error class; callers branch on `code`.
 */
import { DomainError } from '../../util/errors';

export type HistoryErrorCode =
  | 'too-many-series'   // the 16-bit series id space is full
  | 'bad-interval'      // a sample interval that does not divide a day into whole minutes
  | 'bad-bucket'        // a stored value that is not a bucket of the expected kind (corruption, version)
  | 'closed';           // the store was closed
export class HistoryError extends DomainError<HistoryErrorCode> {}
