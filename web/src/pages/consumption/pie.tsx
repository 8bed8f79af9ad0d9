/**
 * A small SVG pie (CON-2: orange electricity, green gas, blue water). Kilowatt-hours and cubic
 * metres do not add up, so the shares are in currency: until costs are configured (the bill of
 * consumptions, a later issue) the pie is drawn as an empty ring that says so.
 */
import { t } from '../../i18n';

export interface PieSlice { key: string; label: string; color: string; value: number | null }

const R = 80;
const C = 100;

function arc(from: number, to: number): string {
  const p = (a: number) => `${(C + R * Math.sin(a)).toFixed(2)} ${(C - R * Math.cos(a)).toFixed(2)}`;
  const large = to - from > Math.PI ? 1 : 0;
  return `M${C} ${C} L${p(from)} A${R} ${R} 0 ${large} 1 ${p(to)} Z`;
}

/** `currency`: the unit of the values (e.g. EUR); null while costs are not configured. */
export function Pie({ slices, currency, testid = 'pie' }: { slices: PieSlice[]; currency: string | null; testid?: string }) {
  const shown = slices.filter((s) => s.value !== null && s.value > 0);
  const total = shown.reduce((a, s) => a + (s.value ?? 0), 0);
  const pending = currency === null || total <= 0;
  let angle = 0;
  return (
    <figure class="pie" data-testid={testid} data-pending={pending}>
      <svg viewBox="0 0 200 200" width="200" height="200" role="img" aria-label={pending ? t('cons.pieNoCosts') : t('cons.pieTitle', { currency: currency ?? '' })}>
        {pending ? (
          <>
            <circle cx={C} cy={C} r={R} fill="#f3f5f8" stroke="#c9d1db" stroke-width="2" stroke-dasharray="6 5" />
            <text x={C} y={C + 8} text-anchor="middle" font-size="26" fill="#8a94a3">%</text>
          </>
        ) : shown.length === 1 ? (
          <circle cx={C} cy={C} r={R} fill={shown[0].color} data-key={shown[0].key} />
        ) : shown.map((s) => {
          const from = angle;
          angle += (2 * Math.PI * (s.value ?? 0)) / total;
          return <path key={s.key} d={arc(from, angle)} fill={s.color} stroke="#fff" stroke-width="1.5" data-key={s.key} />;
        })}
      </svg>
      <figcaption>
        {pending ? <span class="muted" data-testid="pie-pending">{t('cons.pieNoCosts')}</span> : (
          shown.map((s) => (
            <span key={s.key} class="pie-share">
              <i class="swatch" style={{ background: s.color }} />{s.label} {Math.round((100 * (s.value ?? 0)) / total)} %
            </span>
          ))
        )}
      </figcaption>
    </figure>
  );
}
