import type { PartialDictionary } from './en';

/** Russian. */
const ru = {
} satisfies PartialDictionary;

export default ru;
