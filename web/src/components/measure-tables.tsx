/** The measure tables of one quantity group (CON-7). Values come from the live reading. */
import type { LiveResponse } from '@ews/shared';
import { formatQuantity, type CatalogLabel } from '@ews/shared';
import { formatNumber, t, tLabel, type MessageKey } from '../i18n';
import type { MeasureSection, MeasureTable } from '../state/measure-layout';

type Values = LiveResponse['values'];

function Value({ values, k }: { values: Values; k: string | undefined }) {
  if (!k) return <td class="num" />;
  const v = values[k];
  return (
    <td class="num" data-key={k} data-value={v === undefined ? '' : String(v.value)}>
      {v === undefined ? '—' : formatQuantity(v.value, v.unit, 2, formatNumber)}
    </td>
  );
}

function phaseLabel(p: string): string {
  return p === 'total' || p === 'N' || p.length === 3 ? t(`phase.${p}` as MessageKey) : p;
}

function Table({ table, values }: { table: MeasureTable; values: Values }) {
  if (table.kind === 'list') {
    return (
      <table class="measures">
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.key}><th scope="row">{tLabel(r.text)}</th><Value values={values} k={r.key} /></tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (table.kind === 'phases') {
    return (
      <div class="scroll">
        <table class="measures">
          <thead><tr><th>{t('measure.quantity')}</th>{table.columns.map((c) => <th key={c} class="num">{phaseLabel(c)}</th>)}</tr></thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{tLabel(r.text)}</th>
                {table.columns.map((c) => <Value key={c} values={values} k={r.cells[c]} />)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  // Quantity names span their phase columns: "Voltage harmonic" over L1 L2 L3.
  const spans: Array<{ label: string; text: CatalogLabel; n: number }> = [];
  for (const c of table.columns) {
    const last = spans[spans.length - 1];
    if (last && last.label === c.label) last.n++;
    else spans.push({ label: c.label, text: c.text, n: 1 });
  }
  const phased = table.columns.some((c) => c.phase);
  return (
    <div class="scroll">
      <table class="measures harmonics">
        <thead>
          <tr>
            <th rowSpan={phased ? 2 : 1}>{t('measure.rank')}</th>
            {spans.map((sp, i) => <th key={i} colSpan={sp.n} class="num span">{tLabel(sp.text)}</th>)}
          </tr>
          {phased ? <tr>{table.columns.map((c) => <th key={c.id} class="num">{c.phase ? phaseLabel(c.phase) : ''}</th>)}</tr> : null}
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.rank}>
              <th scope="row">{r.rank}</th>
              {table.columns.map((c) => <Value key={c.id} values={values} k={r.cells[c.id]} />)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MeasureSectionView({ section, values, showTitle }: { section: MeasureSection; values: Values; showTitle: boolean }) {
  return (
    <section class="measure-section" data-group={section.group}>
      {showTitle ? <h2>{t(`group.${section.group}` as MessageKey)}</h2> : null}
      {section.tables.map((table, i) => <Table key={i} table={table} values={values} />)}
    </section>
  );
}
