import type { PartialDictionary } from './en';

/** Greek. */
const el = {
} satisfies PartialDictionary;

export default el;
