/**
 * @module energy/errors
 * The energy domain's one error class; callers (the API) branch on `code`.
 */
import { DomainError } from '../util/errors';

export type EnergyErrorCode = 'bad-scope' | 'bad-period' | 'bad-date' | 'bad-timezone' | 'bad-csv-options';
export class EnergyError extends DomainError<EnergyErrorCode> {}
