/**
 * A small SVG pie in currency: the Overall page's electricity, gas and water (CON-2: orange,
 * green, blue; kilowatt-hours and cubic metres do not add up, so the shares are of the cost)
 * and the Tariffs Total page's cost per tariff (COST-5: tariffs toggled off and on with the
 * legend's buttons, percentages of the shown ones). Until costs are there it is drawn as an
 * empty ring that says why. The figure carries `data-slices` (slices drawn) and `data-total`;
 * legend items `data-key`, `data-sum`, `data-share` and `data-hidden`.
 */
import { lang, t } from '../../i18n';
import { formatMoney, pieShares, type Slice } from '../../state/costs-view';

export type PieSlice = Slice;

const R = 80;
const C = 100;

function arc(from: number, to: number): string {
  const p = (a: number) => `${(C + R * Math.sin(a)).toFixed(2)} ${(C - R * Math.cos(a)).toFixed(2)}`;
  const large = to - from > Math.PI ? 1 : 0;
  return `M${C} ${C} L${p(from)} A${R} ${R} 0 ${large} 1 ${p(to)} Z`;
}

/**
 * `currency`: the unit of the values (e.g. EUR); null while costs are not there (`pendingText`
 * says why). `hidden` + `onToggle`: the legend's items are buttons that hide or show a slice.
 */
export function Pie({ slices, currency, testid = 'pie', hidden = [], onToggle, pendingText }: {
  slices: PieSlice[]; currency: string | null; testid?: string; hidden?: readonly string[]; onToggle?: (key: string) => void;
  pendingText?: string;
}) {
  const language = lang.value;
  const { slices: all, total } = pieShares(slices, new Set(hidden));
  const drawn = all.filter((s) => s.share !== null);
  const pending = currency === null;
  const empty = !pending && total <= 0;
  const money = (v: number | null) => (currency ? formatMoney(v, currency, language) : '—');
  const tip = (s: (typeof all)[number]) => `${s.label}: ${money(s.value)}${s.share !== null ? ` (${s.share} %)` : ''}`;
  const listed = onToggle ? all : all.filter((s) => s.value !== null);
  let angle = 0;
  return (
    <figure
      class="pie" data-testid={testid} data-pending={pending} data-slices={pending ? 0 : drawn.length}
      data-total={pending ? '' : total} data-currency={currency ?? ''}
    >
      <svg
        viewBox="0 0 200 200" width="200" height="200" role="img"
        aria-label={pending ? (pendingText ?? t('cons.pieNoCosts')) : t('cons.pieTitle', { currency: currency ?? '' })}
      >
        {pending || empty ? (
          <>
            <circle cx={C} cy={C} r={R} fill="#f3f5f8" stroke="#c9d1db" stroke-width="2" stroke-dasharray="6 5" />
            <text x={C} y={C + 8} text-anchor="middle" font-size="26" fill="#8a94a3">%</text>
          </>
        ) : drawn.length === 1 ? (
          <circle cx={C} cy={C} r={R} fill={drawn[0].color} data-key={drawn[0].key}><title>{tip(drawn[0])}</title></circle>
        ) : drawn.map((s) => {
          const from = angle;
          angle += (2 * Math.PI * (s.value ?? 0)) / total;
          return <path key={s.key} d={arc(from, angle)} fill={s.color} stroke="#fff" stroke-width="1.5" data-key={s.key}><title>{tip(s)}</title></path>;
        })}
      </svg>
      <figcaption>
        {pending ? <span class="muted" data-testid="pie-pending">{pendingText ?? t('cons.pieNoCosts')}</span> : (
          <>
            {empty ? <span class="muted" data-testid="pie-empty">{hidden.length && all.some((s) => s.value) ? t('cons.cost.pieAllHidden') : t('cons.cost.pieEmpty')}</span> : null}
            <ul class={onToggle ? 'pie-legend toggles' : 'pie-legend'}>
              {listed.map((s) => {
                const body = (
                  <>
                    <i class="swatch" style={{ background: s.color }} />
                    <span class="legend-label">{s.label}</span>
                    <b class="num">{s.share !== null ? `${s.share} %` : '—'}</b>
                    <span class="num muted pie-amount">{money(s.value)}</span>
                  </>
                );
                return (
                  <li
                    key={s.key} class={s.hidden ? 'pie-share off' : 'pie-share'} data-testid="legend-item" data-key={s.key}
                    data-sum={s.value ?? ''} data-share={s.share ?? ''} data-hidden={s.hidden}
                  >
                    {onToggle ? (
                      <button
                        type="button" class="legend-toggle" aria-pressed={!s.hidden} data-testid="legend-toggle" data-key={s.key}
                        title={t(s.hidden ? 'cons.tariffs.show' : 'cons.tariffs.hide', { name: s.label })} onClick={() => onToggle(s.key)}
                      >{body}</button>
                    ) : body}
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </figcaption>
    </figure>
  );
}
