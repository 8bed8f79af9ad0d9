import type { alarmsEn } from './alarms.en';

/** Chaînes françaises de « Rapports : alarmes » et des notifications (NOTE-1…6). */
export const alarmsFr: Record<keyof typeof alarmsEn, string> = {
  'alarms.at': 'Date et heure',
  'alarms.device': 'Appareil',
  'alarms.gateway': 'Passerelle et adresse',
  'alarms.type': 'Type',
  'alarms.details': 'Détails',
  'alarms.from': 'Du',
  'alarms.to': 'Au',
  'alarms.allDevices': 'Tous les appareils',
  'alarms.allTypes': 'Tous les types',
  'alarms.box': 'Le boîtier',
  'alarms.none': 'Aucune alarme ni aucun événement pour cette sélection.',
  'alarms.more': 'Événements plus anciens',
  'alarms.refresh': 'Actualiser',
  'alarms.type.communication-error': 'Erreur de communication',
  'alarms.type.communication-restored': 'Communication rétablie',
  'alarms.type.configuration-error': 'Erreur de configuration',
  'alarms.type.state-change': 'Changement d\'état',
  'alarms.type.configuration-change': 'Modification de la configuration',
  'alarms.type.fail-safe': 'Green\'Up : mode de sécurité',
  'alarms.type.fail-safe-end': 'Green\'Up : fin du mode de sécurité',
  'alarms.type.box-started': 'Démarrage du boîtier',
};
