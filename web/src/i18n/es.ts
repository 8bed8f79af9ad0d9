import type { PartialDictionary } from './en';

/** Spanish. */
const es = {
} satisfies PartialDictionary;

export default es;
