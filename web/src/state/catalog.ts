/**
 * @module state/catalog
 * What the configuration pages read from the catalogue's models (`GET /api/catalog`): the
 * inputs and outputs a user may name, the Test values by their label, and the batch answer's
 * field errors by row. Pure functions, tested without a browser.
 */
import type { CatalogLabel, LiveValue, MeasureDef } from '@ews/shared';

/**
 * The inputs and outputs a user may name: the model's on/off points of the `io` and `state`
 * groups ("Input 1", "Output 3"), not the outputs' settings (normal state, mode, ON time).
 */
export function ioPoints(measures: readonly MeasureDef[]): MeasureDef[] {
  return measures.filter((m) => (m.group === 'io' || m.group === 'state') && m.unit === 'state' && /^(input|output) \d+$/i.test(m.label));
}

/** A measure's label fields (English text, message key and parameters). */
export function labelOf(m: CatalogLabel): CatalogLabel {
  return { label: m.label, ...(m.labelKey ? { labelKey: m.labelKey, labelParams: m.labelParams ?? {} } : {}) };
}

export interface TestRow extends CatalogLabel { key: string; unit: MeasureDef['unit']; value: number | string }

/** The values a Test read, in the model's order with its labels and units; keys the model does not list come last. */
export function testRows(values: Record<string, LiveValue>, measures: readonly MeasureDef[]): TestRow[] {
  const listed = measures.filter((m) => m.key in values).map((m) => ({ key: m.key, ...labelOf(m), unit: m.unit, value: values[m.key]!.value }));
  const known = new Set(measures.map((m) => m.key));
  const others = Object.entries(values).filter(([k]) => !known.has(k)).map(([k, v]) => ({ key: k, label: k, unit: v.unit, value: v.value }));
  return [...listed, ...others];
}

/**
 * Splits a batch refusal's field errors (`"1.address"`) by item index; errors that name no
 * item (an edition limit over the whole batch) stay in `rest` under their own key.
 */
export function batchErrors(fields: Record<string, string[]>): { byIndex: Map<number, string[]>; rest: Record<string, string[]> } {
  const byIndex = new Map<number, string[]>();
  const rest: Record<string, string[]> = {};
  for (const [k, msgs] of Object.entries(fields)) {
    const m = /^(\d+)(?:\.|$)/.exec(k);
    if (m) byIndex.set(Number(m[1]), [...(byIndex.get(Number(m[1])) ?? []), ...msgs]);
    else rest[k] = msgs;
  }
  return { byIndex, rest };
}
