import type { PartialDictionary } from './en';

/** Chinese (Simplified). */
const zh = {
} satisfies PartialDictionary;

export default zh;
