/** English strings of costs in the consumption views and of the Tariffs views (COST-5). Merged into `en`. */
export const tariffsEn = {
  'cons.view.tariffs': 'Tariffs',
  'cons.view.tariff-details': 'Tariff details',
} as const;
