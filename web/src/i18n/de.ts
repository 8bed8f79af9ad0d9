import type { PartialDictionary } from './en';

/** German. */
const de = {
} satisfies PartialDictionary;

export default de;
