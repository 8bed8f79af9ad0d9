/**
 * @module state/measure-layout
 * Turns a device's measure list (CON-7, in table order) into tables: one section per quantity
 * group, phases as columns where the measures carry a phase, harmonics as a table by rank.
 * Pure functions, no DOM.
 */
import type { CatalogLabel, MeasureDef, QuantityGroup } from '@ews/shared';

type Phase = NonNullable<MeasureDef['phase']>;

/** Column orders: line-to-neutral (with total) and line-to-line quantities get separate tables. */
const LN_PHASES = ['L1', 'L2', 'L3', 'N', 'total'];
const LL_PHASES = ['L12', 'L23', 'L31'];

/** Rows and columns carry their English `label` and their `text` (message key, SYS-3) to show. */
export interface ListTable { kind: 'list'; rows: Array<{ label: string; text: CatalogLabel; key: string }> }
export interface PhaseTable {
  kind: 'phases';
  columns: string[];
  rows: Array<{ label: string; text: CatalogLabel; cells: Record<string, string> }>;
}
export interface HarmonicsTable {
  kind: 'harmonics';
  /** One column per series (quantity × phase); `label` names the quantity without the phase. */
  columns: Array<{ id: string; label: string; text: CatalogLabel; phase?: string }>;
  rows: Array<{ rank: number; cells: Record<string, string> }>;
}
export type MeasureTable = ListTable | PhaseTable | HarmonicsTable;
export interface MeasureSection { group: QuantityGroup; tables: MeasureTable[] }

/** The measure key with its phase token removed: the identity of a row across phases. */
function rowId(m: MeasureDef): string {
  if (!m.phase) return m.key;
  const re = m.phase === 'total' ? /total/i : new RegExp(`${m.phase}(?!.*${m.phase})`);
  return m.key.replace(re, '');
}

const PHASE_IN_LABEL: Record<string, string> = {
  L1: 'L1(?:-N)?', L2: 'L2(?:-N)?', L3: 'L3(?:-N)?', N: 'N',
  L12: 'L1-?L2|L12|U12', L23: 'L2-?L3|L23|U23', L31: 'L3-?L1|L31|U31', total: 'total|sum|Σ',
};

/** The label fields of a measure, with `blank` parameters emptied (a row named without its phase, a column without its rank). */
function textOf(m: MeasureDef, label: string, blank: string[] = []): CatalogLabel {
  if (!m.labelKey) return { label };
  const params: Record<string, string | number> = { ...m.labelParams };
  for (const b of blank) params[b] = '';
  return { label, labelKey: m.labelKey, labelParams: params };
}

function trimSeparators(s: string): string {
  return s.replace(/[\s,:(\-–]+$/, '').trim();
}

/** Removes the phase named by `phase` from a label ("Current L1" → "Current", "Voltage L1 harmonic 3" → "Voltage harmonic 3"). */
export function stripPhase(label: string, phase?: Phase): string {
  if (!phase) return label;
  const re = new RegExp(`(^|[\\s,(])(?:phase\\s*)?(?:${PHASE_IN_LABEL[phase] ?? phase})\\)?(?=$|[\\s,)])`, 'i');
  const out = trimSeparators(label.replace(re, '$1').replace(/\s{2,}/g, ' ').trim());
  return out || label;
}

function phaseTables(measures: MeasureDef[]): MeasureTable[] {
  const plain: ListTable = { kind: 'list', rows: [] };
  const sets = [LN_PHASES, LL_PHASES].map((cols) => ({
    cols,
    rows: [] as Array<{ id: string; members: MeasureDef[] }>,
  }));
  for (const m of measures) {
    const set = m.phase ? sets.find((s) => s.cols.includes(m.phase!)) : undefined;
    if (!set) { plain.rows.push({ label: m.label, text: textOf(m, m.label), key: m.key }); continue; }
    const id = rowId(m);
    let row = set.rows.find((r) => r.id === id && !r.members.some((x) => x.phase === m.phase));
    if (!row) { row = { id, members: [] }; set.rows.push(row); }
    row.members.push(m);
  }
  const tables: MeasureTable[] = [];
  if (plain.rows.length) tables.push(plain);
  for (const set of sets) {
    if (!set.rows.length) continue;
    const used = set.cols.filter((c) => set.rows.some((r) => r.members.some((m) => m.phase === c)));
    const rows = set.rows.map((r) => {
      // The first member names the row: catalogues list the main quantity first.
      const label = stripPhase(r.members[0]!.label, r.members[0]!.phase);
      const cells: Record<string, string> = {};
      for (const m of r.members) cells[m.phase!] = m.key;
      return { label, text: textOf(r.members[0]!, label, ['phase']), cells };
    });
    if (used.length === 1 && used[0] === 'total') {
      // Only totals: a plain list reads better than a one-column table.
      tables.push({ kind: 'list', rows: set.rows.map((r) => ({ label: r.members[0]!.label, text: textOf(r.members[0]!, r.members[0]!.label), key: r.members[0]!.key })) });
    } else {
      tables.push({ kind: 'phases', columns: used, rows });
    }
  }
  return tables;
}

/** Harmonics by rank; null when the ranks cannot be told from the keys. */
function harmonicsTable(measures: MeasureDef[]): HarmonicsTable | null {
  const columns: HarmonicsTable['columns'] = [];
  const byRank = new Map<number, Record<string, string>>();
  for (const m of measures) {
    const base = rowId(m);
    const match = /(\d+)(?!.*\d)/.exec(base);
    if (!match) return null;
    const rank = Number(match[1]);
    const id = `${base.slice(0, match.index)}#${base.slice(match.index + match[1]!.length)}|${m.phase ?? ''}`;
    if (!columns.some((c) => c.id === id)) {
      const label = stripPhase(m.label.replace(new RegExp(`\\s*(?:rank|h|#)?\\s*\\b${rank}\\b`, 'i'), '').replace(/\s{2,}/g, ' ').trim(), m.phase);
      columns.push({ id, label: label || m.label, text: textOf(m, label || m.label, ['phase', 'n']), ...(m.phase ? { phase: m.phase } : {}) });
    }
    let row = byRank.get(rank);
    if (!row) { row = {}; byRank.set(rank, row); }
    row[id] = m.key;
  }
  const rows = [...byRank.entries()].sort((a, b) => a[0] - b[0]).map(([rank, cells]) => ({ rank, cells }));
  return { kind: 'harmonics', columns, rows };
}

/** Sections in the order their groups first appear in the device's measure list. */
export function layoutMeasures(measures: MeasureDef[]): MeasureSection[] {
  const groups: QuantityGroup[] = [];
  const byGroup = new Map<QuantityGroup, MeasureDef[]>();
  for (const m of measures) {
    let list = byGroup.get(m.group);
    if (!list) { list = []; byGroup.set(m.group, list); groups.push(m.group); }
    list.push(m);
  }
  return groups.map((group) => {
    const list = byGroup.get(group)!;
    const harmonics = group === 'harmonics' ? harmonicsTable(list) : null;
    return { group, tables: harmonics ? [harmonics] : phaseTables(list) };
  });
}
