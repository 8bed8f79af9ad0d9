import type { tariffsEn } from './tariffs.en';

/** French strings of costs in the consumption views and of the Tariffs views. */
export const tariffsFr: Record<keyof typeof tariffsEn, string> = {
  'cons.view.tariffs': 'Tarifs',
  'cons.view.tariff-details': 'Détails des tarifs',
};
