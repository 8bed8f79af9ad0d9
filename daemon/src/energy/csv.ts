/**
 * @module energy/csv
 * `datalogger.csv` (CON-6): the bars of a consumption answer as a table Excel opens directly.
 * Decimal separator `,` or `.` (default `,`), field separator `;` or `,` (default `;`) (HIST-1);
 * no thousands separators; a UTF-8 byte-order mark and CRLF line ends, which Excel expects;
 * fields quoted when they contain a separator or a quote. An answer with costs (the view shows
 * currency, `costs=1`) adds a column per tariff in the currency, and their total when several.
 */
import { barLabel } from './calendar';
import type { Bars, ConsumptionResult } from './consumption';
import { EnergyError } from './errors';

export interface CsvOptions {
  decimalSeparator?: '.' | ',';
  fieldSeparator?: ',' | ';';
  /** Add the previous period's columns. */
  includePrevious?: boolean;
  /** Prefix a UTF-8 BOM (default true). */
  bom?: boolean;
}

function quote(field: string, sep: string): string {
  return field.includes(sep) || /["\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function number(v: number | null, dec: string): string {
  if (v === null || !Number.isFinite(v)) return '';
  const s = (Math.round(v * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return dec === '.' ? s : s.replace('.', dec);
}

function sum(bars: Bars, i: number): number | null {
  const vs = bars.series.map((s) => s.values[i]).filter((v): v is number => v !== null);
  return vs.length ? vs.reduce((a, b) => a + b, 0) : null;
}

export function dataloggerCsv(result: ConsumptionResult, opts: CsvOptions = {}): string {
  const dec = opts.decimalSeparator ?? ',';
  const sep = opts.fieldSeparator ?? ';';
  if (dec === sep) throw new EnergyError('bad-csv-options', 'the decimal and field separators must differ');
  const unit = result.series[0]?.unit ?? 'Wh';
  const withTotal = result.series.length > 1;
  const costs = result.costs ?? [];
  const currency = costs[0]?.unit ?? result.currency ?? '';
  const withCostTotal = costs.length > 1;
  const header = (prefix: string) => [
    ...result.series.map((s) => `${prefix}${s.label} (${s.unit})`),
    ...(withTotal ? [`${prefix}Total (${unit})`] : []),
    ...costs.map((s) => `${prefix}${s.label} (${s.unit})`),
    ...(withCostTotal ? [`${prefix}Total cost (${currency})`] : []),
  ];
  const head = ['Date', ...header(''), ...(opts.includePrevious ? ['Previous date', ...header('Previous ')] : [])];
  const costCells = (bars: Bars, i: number) => {
    const own = costs.map((c) => bars.costs?.find((x) => x.key === c.key)?.values[i] ?? null);
    const total = own.filter((v): v is number => v !== null);
    return [...own.map((v) => number(v, dec)), ...(withCostTotal ? [number(total.length ? total.reduce((a, b) => a + b, 0) : null, dec)] : [])];
  };
  const cells = (bars: Bars, i: number) => [
    ...bars.series.map((s) => number(s.values[i] ?? null, dec)), ...(withTotal ? [number(sum(bars, i), dec)] : []), ...costCells(bars, i),
  ];
  const blank = () => ['', ...result.series.map(() => ''), ...(withTotal ? [''] : []), ...costs.map(() => ''), ...(withCostTotal ? [''] : [])];
  const lines = [head.map((h) => quote(h, sep)).join(sep)];
  const rows = Math.max(result.x.length, opts.includePrevious ? result.previous.x.length : 0);
  for (let i = 0; i < rows; i++) {
    const row: string[] = i < result.x.length
      ? [barLabel(result.timezone, result.period, result.x[i] * 1000), ...cells(result, i)]
      : blank();
    if (opts.includePrevious) {
      row.push(...(i < result.previous.x.length
        ? [barLabel(result.timezone, result.period, result.previous.x[i] * 1000), ...cells(result.previous, i)]
        : blank()));
    }
    lines.push(row.map((c) => quote(c, sep)).join(sep));
  }
  return `${opts.bom === false ? '' : '\uFEFF'}${lines.join('\r\n')}\r\n`;
}
