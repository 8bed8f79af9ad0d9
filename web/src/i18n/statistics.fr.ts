import type { statisticsEn } from './statistics.en';

/** French strings of the statistics in the consumption Details view. */
export const statisticsFr: Record<keyof typeof statisticsEn, string> = {
  'cons.stats.title': 'Statistiques : moyenne, minimum, maximum',
  'cons.stats.quantity': 'Grandeur',
  'cons.stats.avg': 'Moyenne',
  'cons.stats.min': 'Minimum',
  'cons.stats.max': 'Maximum',
  'cons.stats.none': 'Cet appareil n’enregistre pas de statistiques.',
  'cons.stats.noData': 'Aucune statistique enregistrée sur cette période.',
  'cons.stats.decade': 'Les statistiques s’affichent par jour, mois ou année.',
  'cons.stats.resolution.slot': 'par échantillon',
  'cons.stats.resolution.hour': 'par heure',
  'cons.stats.resolution.day': 'par jour',
  'cons.stats.period': 'Sur la période',
};
