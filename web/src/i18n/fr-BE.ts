import type { PartialDictionary } from './en';

/**
 * Belgian French: only what differs from `fr` (the rest comes from it). Electrical terms follow
 * the Belgian RGIE usage ("interrupteur différentiel", "tableau de répartition").
 */
const frBE = {
  'page.myPanelBoard': 'Mon tableau de répartition',
  'system.panelboards': 'Tableaux de répartition',
  'system.panelboardsHint': 'Où sont les passerelles (un tableau de répartition par passerelle)',
  'gw.panelBoard': 'Tableau de répartition',
  'structure.new.panelboards': 'Nouveau tableau de répartition',
  'structure.deleteConfirm.panelboards': 'Le tableau de répartition « {name} » sera effacé ; ses passerelles n’auront plus de tableau.',
  'panel.panelBoard': 'Tableau de répartition',
  'cons.measuresNeedPanel': 'Les tableaux de mesures demandent le droit sur la page « Mon tableau de répartition ».',
  'family.rcd': 'Blocs différentiels adaptables (interrupteurs différentiels)',
  'q.rcdState': 'État de l’interrupteur différentiel',
  'kiosk.options': 'Options à ajouter à l’URL : &views=total-day,total-month,overall (aussi total-year, total-decade, overall-day, group:<id>-month, device:<id>-day…), &every=20 (secondes par graphique), &lang=fr-BE.',
} satisfies PartialDictionary;

export default frBE;
