/** English strings of the Bill of consumptions pages (COST-1…4). Merged into `en`. */
export const costsEn = {
  'system.costs': 'Bill of consumptions',
  'system.costsHint': 'Currency, tariffs and cost rules for electricity, gas and water',
} as const;
