import type { commandsEn } from './commands.en';

/** French strings of the State/Com. and output pages (wording of the French manual). */
export const commandsFr: Record<keyof typeof commandsEn, string> = {
  'commands.title': 'État / Com.',
  'commands.outputs': 'Sorties',
  'commands.on': 'ON',
  'commands.off': 'OFF',
  'commands.confirm': 'Confirmer : {action} ?',
  'commands.yes': 'Oui',
  'commands.cancel': 'Annuler',
  'commands.sending': 'Envoi…',
  'commands.configure': 'Configuration',
  'commands.normalState': 'État normal',
  'commands.mode': 'Mode',
  'commands.impulsive': 'Impulsionnel',
  'commands.blinking': 'Clignotant',
  'commands.onTime': 'Temps ON (s, 0 = maintenu)',
  'commands.write': 'Écrire',
  'commands.outcome.confirmed': 'Fait : le dispositif confirme ({state})',
  'commands.outcome.not-confirmed': 'Écrit, mais non confirmé : {detail}',
  'commands.outcome.refused': 'Refusé par le dispositif : {detail}',
  'commands.outcome.failed': 'Pas de réponse : {detail}',
  'commands.switchOutput': '{output} {state}',
};
