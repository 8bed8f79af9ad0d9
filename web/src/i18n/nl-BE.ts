import type { PartialDictionary } from './en';

/** Belgian Dutch (Flemish): only the terms that differ from `nl`. */
const nlBE = {
} satisfies PartialDictionary;

export default nlBE;
