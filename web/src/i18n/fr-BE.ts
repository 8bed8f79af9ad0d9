import type { PartialDictionary } from './en';

/** Belgian French: only the terms that differ from `fr`. */
const frBE = {
} satisfies PartialDictionary;

export default frBE;
