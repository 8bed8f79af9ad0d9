/** English strings of the statistics in the consumption Details view. Merged into `en`. */
export const statisticsEn = {
  'cons.stats.title': 'Statistics: average, minimum, maximum',
  'cons.stats.quantity': 'Quantity',
  'cons.stats.avg': 'Average',
  'cons.stats.min': 'Minimum',
  'cons.stats.max': 'Maximum',
  'cons.stats.none': 'This device records no statistics.',
  'cons.stats.noData': 'No statistics recorded in this period.',
  'cons.stats.decade': 'Statistics are shown for a day, a month or a year.',
  'cons.stats.resolution.slot': 'per sample',
  'cons.stats.resolution.hour': 'per hour',
  'cons.stats.resolution.day': 'per day',
  'cons.stats.period': 'Over the period',
} as const;
