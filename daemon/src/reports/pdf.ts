/**
 * @module reports/pdf
 * PDF reports (HIST-6), drawn with pdfkit: Summary (overall electricity, gas and water) or
 * Detailed (one section per chosen device), monthly or yearly, in the user's language. Every
 * figure comes from the consumption API's own answer (`ReportSource.consumption`, which the
 * composition root wires to the same `Energy.consumption` + `Costs.addCosts` calls as
 * `GET /api/consumption?costs=1`), so a report's totals equal the API's bars for the period.
 * Each section: the total, the previous period's, a bar chart (stacked per tariff where tariffs
 * exist), the costs per tariff and a table of the bars.
 */
import type PDFDocumentClass from 'pdfkit';
import type { ConsumptionQuery, ConsumptionResult } from '@ews/shared';
import { localTime, parseDate } from '../energy/index';
import { formatNumber, monthName, shortMonthName, words, type ReportLanguage } from './pdf-text';

export type ReportType = 'summary' | 'detailed';
export type ReportPeriod = 'month' | 'year';
export type ReportEnergyType = 'electricity' | 'gas' | 'water';

export interface ReportInput {
  type: ReportType;
  period: ReportPeriod;
  /** A day of the period, `YYYY-MM-DD` in the installation's zone. */
  date: string;
  /** Detailed: the devices, in this order (default: every metering device). */
  deviceIds?: readonly number[];
  /** Default English. */
  language?: ReportLanguage;
}

export interface ReportDevice { id: number; name: string; type: ReportEnergyType }

/** Where a report's figures come from. */
export interface ReportSource {
  /** The consumption API's answer for a query (`GET /api/consumption`, with `costs=1` when `costs`). */
  consumption(q: ConsumptionQuery): ConsumptionResult;
  /** The metering devices (those with an energy type), in display order. */
  devices(): readonly ReportDevice[];
  /** Wall-clock time for the "generated" line. */
  now(): number;
  /** The installation's name for the title block, if any. */
  title?: () => string | undefined;
}

export interface RenderedReport {
  /** HIST-6: `monthly-report_YYYY-MM.pdf`, `yearly-report_YYYY.pdf`, `detailed-…`. */
  fileName: string;
  pdf: Buffer;
  pages: number;
}

/** HIST-6 file name of a report. */
export function reportFileName(input: Pick<ReportInput, 'type' | 'period' | 'date'>): string {
  const d = parseDate(input.date);
  const period = input.period === 'month' ? `${d.year}-${String(d.month).padStart(2, '0')}` : String(d.year);
  return `${input.type === 'detailed' ? 'detailed-' : ''}${input.period === 'month' ? 'monthly' : 'yearly'}-report_${period}.pdf`;
}

// ---- layout constants (points; A4 portrait) ----
const MARGIN = 40;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const ROW_H = 12;
const CHART_H = 130;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const TYPE_COLOR: Record<ReportEnergyType, string> = { electricity: '#2f6db5', gas: '#d9822b', water: '#1c9bb8' };
const GREY = '#9aa0a6';

const UNIT: Record<ReportEnergyType, string> = { electricity: 'kWh', gas: 'm³', water: 'm³' };
/** Wh → kWh, dm³ → m³. */
const DISPLAY_DIVISOR = 1000;
const ENERGY_DECIMALS = 3;
const COST_DECIMALS = 2;

interface Section {
  heading: string;
  type: ReportEnergyType;
  result: ConsumptionResult;
  /** Electricity summary: the loads' split of the same period (scope `total`). */
  loads?: ConsumptionResult;
}

const sum = (values: ReadonlyArray<number | null>): number | null => {
  let total: number | null = null;
  for (const v of values) if (v !== null) total = (total ?? 0) + v;
  return total;
};
/** Sum over bars of all series of a bar list (null: nothing recorded). */
const seriesTotal = (series: ReadonlyArray<{ values: ReadonlyArray<number | null> }>): number | null => {
  let total: number | null = null;
  for (const s of series) { const t = sum(s.values); if (t !== null) total = (total ?? 0) + t; }
  return total;
};
const barTotals = (series: ReadonlyArray<{ values: ReadonlyArray<number | null> }>, n: number): Array<number | null> =>
  Array.from({ length: n }, (_, i) => {
    let t: number | null = null;
    for (const s of series) { const v = s.values[i]; if (v !== null && v !== undefined) t = (t ?? 0) + v; }
    return t;
  });

class Writer {
  readonly doc: PDFKit.PDFDocument;
  readonly w: ReturnType<typeof words>;
  constructor(PDFDocument: typeof PDFDocumentClass, readonly lang: ReportLanguage, readonly timezone: string, readonly period: ReportPeriod) {
    this.doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Producer: 'EWS', Creator: 'EWS' } });
    this.w = words(lang);
  }

  get y(): number { return this.doc.y; }
  set y(v: number) { this.doc.y = v; }
  room(): number { return PAGE_H - MARGIN - this.doc.y; }
  ensure(height: number): void { if (this.room() < height) this.doc.addPage(); }

  energy(type: ReportEnergyType, v: number | null): string {
    return v === null ? '—' : formatNumber(this.lang, v / DISPLAY_DIVISOR, ENERGY_DECIMALS);
  }
  money(v: number | null): string { return v === null ? '—' : formatNumber(this.lang, v, COST_DECIMALS); }

  /** Bar label: the day (month reports) or the month (year reports) of a bar start. */
  barLabel(startS: number, short: boolean): string {
    const l = localTime(this.timezone, startS * 1000);
    if (this.period === 'year') return short ? shortMonthName(this.lang, l.month) : `${monthName(this.lang, l.month)} ${l.year}`;
    if (short) return String(l.day);
    return this.lang === 'fr' ? `${l.day} ${shortMonthName('fr', l.month)}` : `${shortMonthName('en', l.month)} ${l.day}`;
  }

  text(s: string, x: number, y: number, opts: { width: number; align?: 'left' | 'right' | 'center'; font?: string; size?: number; color?: string }): void {
    this.doc.font(opts.font ?? FONT).fontSize(opts.size ?? 8.5).fillColor(opts.color ?? '#000000')
      .text(s, x, y, { width: opts.width, align: opts.align ?? 'left', lineBreak: false, ellipsis: true });
  }

  heading(s: string, size = 13): void {
    this.ensure(size + 40);
    const y = this.doc.y;
    this.text(s, MARGIN, y, { width: CONTENT_W, font: BOLD, size });
    this.doc.y = y + size + 6;
  }

  line(s: string, opts: { font?: string; size?: number; color?: string } = {}): void {
    const size = opts.size ?? 9;
    this.ensure(size + 4);
    const y = this.doc.y;
    this.text(s, MARGIN, y, { width: CONTENT_W, ...opts, size });
    this.doc.y = y + size + 4;
  }

  /** A table: a bold header row, then rows (repeated header after a page break), then an optional bold total row. */
  table(columns: Array<{ title: string; width: number; align?: 'left' | 'right' }>, rows: string[][], total?: string[]): void {
    const total_w = columns.reduce((a, c) => a + c.width, 0);
    const scale = CONTENT_W / total_w;
    const widths = columns.map((c) => c.width * scale);
    const drawRow = (cells: string[], font: string, shade: string | undefined) => {
      const y = this.doc.y;
      if (shade) this.doc.rect(MARGIN, y - 2, CONTENT_W, ROW_H).fill(shade);
      let x = MARGIN;
      cells.forEach((cell, i) => {
        this.text(cell, x + 2, y, { width: widths[i] - 4, align: columns[i].align ?? 'left', font });
        x += widths[i];
      });
      this.doc.y = y + ROW_H;
    };
    const header = () => {
      drawRow(columns.map((c) => c.title), BOLD, '#e8ecf1');
    };
    this.ensure(ROW_H * 3);
    header();
    rows.forEach((r, i) => {
      if (this.room() < ROW_H) { this.doc.addPage(); header(); }
      drawRow(r, FONT, i % 2 ? '#f6f7f9' : undefined);
    });
    if (total) {
      if (this.room() < ROW_H) { this.doc.addPage(); header(); }
      this.doc.moveTo(MARGIN, this.doc.y - 2).lineTo(MARGIN + CONTENT_W, this.doc.y - 2).lineWidth(0.5).strokeColor('#555555').stroke();
      drawRow(total, BOLD, undefined);
    }
    this.doc.y += 6;
  }

  /** A bar chart of stacked series (same length), with a y axis in display units and a legend. */
  chart(x: number[], stacks: Array<{ label: string; color: string; values: ReadonlyArray<number | null> }>, unit: string): void {
    const legendH = stacks.length > 1 ? 14 : 0;
    this.ensure(CHART_H + legendH + 36);
    this.line(`${this.w.consumptionChart} (${unit})`, { size: 8, color: '#444444' });
    const doc = this.doc;
    const top = doc.y + 4;
    const left = MARGIN + 44;
    const width = CONTENT_W - 44;
    const height = CHART_H - 18;
    const totals = barTotals(stacks, x.length).map((v) => (v === null ? 0 : Math.max(0, v) / DISPLAY_DIVISOR));
    const max = Math.max(...totals, 0);
    const step = niceStep(max / 4);
    const top_value = Math.max(step, Math.ceil(max / step) * step);
    const yOf = (v: number) => top + height - (v / top_value) * height;
    // grid and y labels
    doc.lineWidth(0.3).strokeColor('#c8ccd2');
    const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    for (let v = 0; v <= top_value + step / 2; v += step) {
      const y = yOf(v);
      doc.moveTo(left, y).lineTo(left + width, y).stroke();
      this.text(formatNumber(this.lang, v, decimals), MARGIN, y - 3, { width: 40, align: 'right', size: 6.5, color: '#555555' });
    }
    // bars
    const slot = width / Math.max(1, x.length);
    const barW = Math.max(1, slot * 0.7);
    x.forEach((startS, i) => {
      let base = 0;
      const bx = left + i * slot + (slot - barW) / 2;
      for (const s of stacks) {
        const v = s.values[i];
        if (v === null || v === undefined || v <= 0) continue;
        const h = (v / DISPLAY_DIVISOR / top_value) * height;
        doc.rect(bx, yOf(base) - h, barW, h).fill(s.color);
        base += v / DISPLAY_DIVISOR;
      }
      this.text(this.barLabel(startS, true), left + i * slot - 4, top + height + 3, { width: slot + 8, align: 'center', size: x.length > 20 ? 5.5 : 6.5, color: '#333333' });
    });
    doc.y = top + CHART_H;
    if (legendH) {
      const ly = doc.y;
      let lx = MARGIN + 44;
      for (const s of stacks) {
        doc.rect(lx, ly + 1, 7, 7).fill(s.color);
        const lw = Math.min(140, doc.font(FONT).fontSize(7.5).widthOfString(s.label) + 6);
        this.text(s.label, lx + 10, ly + 1, { width: lw, size: 7.5 });
        lx += lw + 22;
      }
      doc.y = ly + legendH;
    }
    doc.y += 6;
  }

  /** One type or device: key figures, chart, costs per tariff, loads (summary), bar table. */
  section(s: Section): void {
    const { result, type } = s;
    const w = this.w;
    const unit = UNIT[type];
    const n = result.x.length;
    const energyBars = barTotals(result.series, n);
    const total = sum(energyBars);
    const previous = seriesTotal(result.previous.series);
    const costs = result.costs ?? [];
    const byTariff = result.byTariff ?? [];
    const currency = result.currency ?? '';
    const costBars = costs.length ? barTotals(costs, n) : [];
    const totalCost = costs.length ? sum(costBars) : null;

    this.heading(s.heading, 12);
    const figures = [`${w.total}: ${this.energy(type, total)} ${unit}`];
    if (costs.length) figures.push(`${w.cost}: ${this.money(totalCost)} ${currency}`);
    figures.push(`${w.previousPeriod}: ${this.energy(type, previous)} ${unit}`);
    this.line(figures.join('     '), { font: BOLD, size: 9.5 });
    if (total === null) { this.line(w.noData, { color: '#555555' }); this.doc.y += 8; return; }

    // chart: stacked per tariff where tariffs exist, the rest (no tariff) in grey
    let stacks: Array<{ label: string; color: string; values: ReadonlyArray<number | null> }>;
    if (byTariff.length) {
      const inTariffs = barTotals(byTariff, n);
      const rest = energyBars.map((v, i) => (v === null ? null : v - (inTariffs[i] ?? 0)));
      stacks = [...byTariff.map((t) => ({ label: t.label, color: t.color, values: t.values }))];
      if (rest.some((v) => v !== null && v > 0.5)) stacks.push({ label: w.noTariff, color: GREY, values: rest });
    } else stacks = [{ label: w.consumptionChart, color: TYPE_COLOR[type], values: energyBars }];
    this.chart(result.x, stacks, unit);

    if (costs.length) {
      const rows = costs.map((c, i) => [c.label, this.energy(type, sum(byTariff[i]?.values ?? [])), this.money(sum(c.values))]);
      const inTariffs = seriesTotal(byTariff) ?? 0;
      if (total - inTariffs > 0.5) rows.push([w.noTariff, this.energy(type, total - inTariffs), this.money(0)]);
      this.line(w.costsPerTariff, { font: BOLD });
      this.table([{ title: w.tariff, width: 3 }, { title: `${w.energy} (${unit})`, width: 2, align: 'right' }, { title: `${w.cost} (${currency})`, width: 2, align: 'right' }],
        rows, [w.total, this.energy(type, total), this.money(totalCost)]);
    }

    if (s.loads && s.loads.series.length > 1) {
      const loadRows = s.loads.series.map((l) => {
        const t = sum(l.values);
        return [l.label, this.energy(type, t), t === null || !total ? '—' : `${formatNumber(this.lang, (100 * t) / total, 1)} %`];
      });
      this.line(w.byLoad, { font: BOLD });
      this.table([{ title: w.load, width: 3 }, { title: `${w.energy} (${unit})`, width: 2, align: 'right' }, { title: '%', width: 1, align: 'right' }], loadRows);
    }

    const columns: Array<{ title: string; width: number; align?: 'left' | 'right' }> = [
      { title: this.period === 'month' ? w.day : w.month, width: 2.2 },
      { title: `${w.energy} (${unit})`, width: 2, align: 'right' },
      ...costs.map((c) => ({ title: `${c.label} (${currency})`, width: 1.6, align: 'right' as const })),
    ];
    if (costs.length) columns.push({ title: `${w.cost} (${currency})`, width: 1.6, align: 'right' });
    const rows = result.x.map((startS, i) => [
      this.barLabel(startS, false),
      this.energy(type, energyBars[i]),
      ...costs.map((c) => this.money(c.values[i] ?? null)),
      ...(costs.length ? [this.money(costBars[i])] : []),
    ]);
    const totalRow = [w.total, this.energy(type, total), ...costs.map((c) => this.money(sum(c.values))), ...(costs.length ? [this.money(totalCost)] : [])];
    this.table(columns, rows, totalRow);
    this.doc.y += 8;
  }

  /** Page numbers and the report's name at the foot of every page. */
  footers(title: string): number {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.text(title, MARGIN, PAGE_H - 28, { width: CONTENT_W / 2, size: 7, color: '#666666' });
      this.text(this.w.page.replace('{n}', String(i + 1)).replace('{total}', String(range.count)), MARGIN + CONTENT_W / 2, PAGE_H - 28, { width: CONTENT_W / 2, align: 'right', size: 7, color: '#666666' });
      this.doc.page.margins.bottom = bottom;
    }
    return range.count;
  }
}

/** 1, 2 or 5 times a power of ten, ≥ `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Renders a report. Throws `RangeError` for a device id the source does not know. The event
 * loop is given back between sections, so a big detailed report does not stall the bus.
 */
export async function renderReport(input: ReportInput, source: ReportSource): Promise<RenderedReport> {
  const lang: ReportLanguage = input.language ?? 'en';
  const w = words(lang);
  const date = parseDate(input.date);
  const q = (scope: string, extra: Partial<ConsumptionQuery> = {}): ConsumptionResult =>
    source.consumption({ scope, period: input.period, date: input.date, costs: true, ...extra });

  const first = q('type:electricity');
  // pdfkit (with its fonts' metrics: ~6 MB of heap) is loaded with the first report
  const { default: PDFDocument } = await import('pdfkit');
  const writer = new Writer(PDFDocument, lang, first.timezone, input.period);
  const { doc } = writer;
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => { doc.on('end', resolve); doc.on('error', reject); });

  const title = input.type === 'detailed'
    ? (input.period === 'month' ? w.detailedMonthlyReport : w.detailedYearlyReport)
    : (input.period === 'month' ? w.monthlyReport : w.yearlyReport);
  const periodLabel = input.period === 'month' ? `${monthName(lang, date.month)} ${date.year}` : String(date.year);
  const fileName = reportFileName(input);
  doc.info.Title = `${title} — ${periodLabel}`;

  // title block
  writer.text(title, MARGIN, MARGIN, { width: CONTENT_W, font: BOLD, size: 18 });
  doc.y = MARGIN + 24;
  const name = source.title?.();
  if (name) writer.line(name, { size: 10 });
  writer.line(`${w.period}: ${periodLabel}`, { font: BOLD, size: 11 });
  const now = new Date(source.now());
  const l = localTime(first.timezone, now.getTime());
  const pad = (x: number) => String(x).padStart(2, '0');
  writer.line(`${w.generated}: ${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}     ${w.timezone}: ${first.timezone}`, { size: 8.5, color: '#444444' });
  writer.line(w.onlyRecorded, { size: 7.5, color: '#666666' });
  doc.y += 8;

  const devices = source.devices();
  if (input.type === 'summary') {
    const present = new Set(devices.map((d) => d.type));
    const types = (['electricity', 'gas', 'water'] as const).filter((t) => present.has(t) || t === 'electricity');
    for (const [i, type] of types.entries()) {
      const result = type === 'electricity' ? first : q(`type:${type}`);
      if (i > 0) doc.addPage();
      writer.section({ heading: w[type], type, result, ...(type === 'electricity' ? { loads: q('total', { byLoad: true, costs: false }) } : {}) });
      await yieldToLoop();
    }
  } else {
    const byId = new Map(devices.map((d) => [d.id, d]));
    const chosen = (input.deviceIds ?? devices.map((d) => d.id)).map((id) => {
      const d = byId.get(id);
      if (!d) throw new RangeError(`no metering device ${id}`);
      return d;
    });
    const results = chosen.map((d) => ({ d, result: q(`device:${d.id}`) }));
    // overview: every chosen device's total and cost
    writer.heading(w.devices, 12);
    const anyCost = results.some((r) => r.result.costs?.length);
    const overview = results.map(({ d, result }) => {
      const total = seriesTotal(result.series);
      const cost = result.costs?.length ? seriesTotal(result.costs) : null;
      return [`${d.id} ${d.name}`, w[d.type], total === null ? '—' : `${writer.energy(d.type, total)} ${UNIT[d.type]}`, ...(anyCost ? [cost === null ? '—' : `${writer.money(cost)} ${result.currency ?? ''}`] : [])];
    });
    writer.table([{ title: w.device, width: 4 }, { title: w.type, width: 1.5 }, { title: w.energy, width: 2, align: 'right' }, ...(anyCost ? [{ title: w.cost, width: 1.7, align: 'right' as const }] : [])], overview);
    for (const { d, result } of results) {
      // a month's section needs a page; a year's about half of one
      if (input.period === 'month' || writer.room() < (PAGE_H - 2 * MARGIN) / 2) doc.addPage();
      writer.section({ heading: `${d.id} ${d.name} — ${w[d.type]}`, type: d.type, result });
      await yieldToLoop();
    }
  }
  const pages = writer.footers(`${fileName}`);
  doc.end();
  await ended;
  return { fileName, pdf: Buffer.concat(chunks), pages };
}
