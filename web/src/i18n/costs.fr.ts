import type { costsEn } from './costs.en';

/** French strings of the Bill of consumptions pages (wording of the French manual). */
export const costsFr: Record<keyof typeof costsEn, string> = {
  'system.costs': 'Bilan des consommations',
  'system.costsHint': 'Devise, tarifs et règles de coût pour l’électricité, le gaz et l’eau',
};
