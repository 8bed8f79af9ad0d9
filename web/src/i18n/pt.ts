import type { PartialDictionary } from './en';

/** Portuguese. */
const pt = {
} satisfies PartialDictionary;

export default pt;
