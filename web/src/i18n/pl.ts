import type { PartialDictionary } from './en';

/** Polish. */
const pl = {
} satisfies PartialDictionary;

export default pl;
