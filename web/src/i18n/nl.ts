import type { PartialDictionary } from './en';

/** Dutch. */
const nl = {
} satisfies PartialDictionary;

export default nl;
