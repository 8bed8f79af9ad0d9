import type { PartialDictionary } from './en';

/** Italian. */
const it = {
} satisfies PartialDictionary;

export default it;
