import type { PartialDictionary } from './en';

/**
 * Belgian Dutch (Flemish): only what differs from `nl` (the rest comes from it). Electrical
 * terms follow the Belgian AREI usage ("verdeelbord", "nulgeleider", "differentieelschakelaar"),
 * and Flemish interfaces say "aanmelden / afmelden".
 */
const nlBE = {
  'login.title': 'Aanmelden',
  'login.submit': 'Aanmelden',
  'home.logout': 'Afmelden',
  'home.user': 'Aangemeld als {name}',
  'home.logoutHint': 'Afmelden beëindigt de sessie; deze browser blijft bekend: bij de volgende aanmelding volstaat de pincode.',
  'page.myPanelBoard': 'Mijn verdeelbord',
  'system.panelboards': 'Verdeelborden',
  'system.panelboardsHint': 'Waar de gateways zich bevinden (één verdeelbord per gateway)',
  'gw.panelBoard': 'Verdeelbord',
  'structure.new.panelboards': 'Nieuw verdeelbord',
  'structure.deleteConfirm.panelboards': 'Het verdeelbord "{name}" wordt gewist; de gateways ervan hebben dan geen verdeelbord meer.',
  'pb.gateways': 'Gateways in dit verdeelbord: {names}',
  'pb.noGateway': 'Nog geen gateway in dit verdeelbord: wijs er een toe in Gateways en apparaten.',
  'panel.panelBoard': 'Verdeelbord',
  'panel.allPanelBoards': 'Alle verdeelborden',
  'cons.measuresNeedPanel': 'Voor de meettabellen is het recht op de pagina "Mijn verdeelbord" nodig.',
  'family.rcd': 'Aanbouwmodules voor differentieelschakelaars',
  'q.rcdState': 'Toestand van de differentieelschakelaar',
  'q.neutralCurrent': 'Nulgeleiderstroom',
  'q.thdNeutralCurrent': 'THD nulgeleiderstroom',
  'load.ev-charging': 'Opladen van elektrische wagens',
  'kiosk.options': 'Opties om aan de URL toe te voegen: &views=total-day,total-month,overall (ook total-year, total-decade, overall-day, group:<id>-month, device:<id>-day…), &every=20 (seconden per grafiek), &lang=nl-BE.',
} satisfies PartialDictionary;

export default nlBE;
