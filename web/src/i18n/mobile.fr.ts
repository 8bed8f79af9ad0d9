import type { mobileEn } from './mobile.en';

/** Chaînes françaises des téléphones (guide smartphone) et des tablettes murales (BEY-1). */
export const mobileFr: Record<keyof typeof mobileEn, string> = {
  'mobile.needsComputer': 'La configuration du serveur web et du système se fait depuis un ordinateur ; sur un téléphone, utilisez les pages d’affichage (appareils et consommations).',
  'mobile.histogram': 'Histogramme',
  'mobile.data': 'Données',
  'mobile.when': 'Période',
  'mobile.measureGroup': 'Groupe de mesure',
  'mobile.noLoadInGroup': 'Aucune charge n’a d’appareil dans ce groupe de mesure.',
  'mobile.device': 'Appareil',
};
