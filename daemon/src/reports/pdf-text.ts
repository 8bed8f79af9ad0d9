/**
 * @module reports/pdf-text
 * The words and number formats of the PDF reports (HIST-6) in the user's language (English,
 * French). Numbers are formatted by hand, not through Intl: the standard PDF fonts are
 * WinAnsi, so French thousands are grouped with a plain space (not U+202F).
 */
import type { REPORT_LANGUAGES } from '@ews/shared';

export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

const EN = {
  monthlyReport: 'Monthly report',
  yearlyReport: 'Yearly report',
  detailedMonthlyReport: 'Detailed monthly report',
  detailedYearlyReport: 'Detailed yearly report',
  period: 'Period',
  generated: 'Generated',
  timezone: 'Time zone',
  electricity: 'Electricity',
  gas: 'Gas',
  water: 'Water',
  total: 'Total',
  previousPeriod: 'Previous period',
  noData: 'No data recorded for this period.',
  day: 'Day',
  month: 'Month',
  energy: 'Consumption',
  cost: 'Cost',
  tariff: 'Tariff',
  costsPerTariff: 'Costs per tariff',
  byLoad: 'Consumption per load',
  load: 'Load',
  devices: 'Devices',
  device: 'Device',
  type: 'Type',
  consumptionChart: 'Consumption',
  costChart: 'Cost per tariff',
  page: 'Page {n} of {total}',
  onlyRecorded: 'Only data recorded by the box is counted; a device in communication error has no data for that time.',
  noTariff: 'not in a tariff',
};
type Words = typeof EN;

const FR: Words = {
  monthlyReport: 'Rapport mensuel',
  yearlyReport: 'Rapport annuel',
  detailedMonthlyReport: 'Rapport mensuel détaillé',
  detailedYearlyReport: 'Rapport annuel détaillé',
  period: 'Période',
  generated: 'Généré le',
  timezone: 'Fuseau horaire',
  electricity: 'Électricité',
  gas: 'Gaz',
  water: 'Eau',
  total: 'Total',
  previousPeriod: 'Période précédente',
  noData: 'Aucune donnée enregistrée pour cette période.',
  day: 'Jour',
  month: 'Mois',
  energy: 'Consommation',
  cost: 'Coût',
  tariff: 'Tarif',
  costsPerTariff: 'Coûts par tarif',
  byLoad: 'Consommation par charge',
  load: 'Charge',
  devices: 'Appareils',
  device: 'Appareil',
  type: 'Type',
  consumptionChart: 'Consommation',
  costChart: 'Coût par tarif',
  page: 'Page {n} sur {total}',
  onlyRecorded: 'Seules les données enregistrées par le boîtier sont comptées ; un appareil en erreur de communication n’a pas de données pour cette durée.',
  noTariff: 'hors tarif',
};

const MONTHS: Record<ReportLanguage, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
};
const SHORT_MONTHS: Record<ReportLanguage, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
};

export function words(lang: ReportLanguage): Words { return lang === 'fr' ? FR : EN; }
export function monthName(lang: ReportLanguage, month: number): string { return MONTHS[lang][month - 1]; }
export function shortMonthName(lang: ReportLanguage, month: number): string { return SHORT_MONTHS[lang][month - 1]; }

/** `1234567.891` → `1,234,567.891` (en) or `1 234 567,891` (fr), with `decimals` digits. */
export function formatNumber(lang: ReportLanguage, value: number, decimals: number): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fr' ? ' ' : ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${grouped}${frac ? (lang === 'fr' ? ',' : '.') + frac : ''}`;
}
