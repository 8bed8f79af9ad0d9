/**
 * The kiosk page (BEY-1, administrator): the charts a wall tablet rotates, chosen and ordered
 * by name (grand total, Overall, energy types, measure groups, loads, devices) with their
 * period, the rotation period and the language; it gives the kiosk link and its QR code for
 * the tablet's camera. A token is created here (shown once, like on the Users page) or pasted.
 * The QR code library is fetched on first use, in its own chunk (BEY-5: the first load).
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { DeviceSummary, Period } from '@ews/shared';
import { PERIODS } from '@ews/shared';
import { api } from '../api';
import { Page } from '../components/layout';
import { Field, FormMessage, problemOf, useAction } from '../components/form';
import { langName, LANGS, t, type MessageKey } from '../i18n';
import { DEFAULT_KIOSK_EVERY_S, kioskLink, kioskViewId, type KioskWhat } from '../state/consumption';

type MeasureGroup = Awaited<ReturnType<typeof api.groups>>[number];
type LoadSummary = Awaited<ReturnType<typeof api.loads>>[number];
interface Choice { what: KioskWhat; label: string }
interface Chosen { what: KioskWhat; period: Period; label: string }

/** The QR code's modules (true: dark), from the lazily loaded library. */
interface Qr { size: number; version: number; data: boolean[][] }

function useLists() {
  const devices = useSignal<DeviceSummary[] | null>(null);
  const groups = useSignal<MeasureGroup[] | null>(null);
  const loads = useSignal<LoadSummary[] | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    Promise.all([api.devices(), api.groups(), api.loads()]).then(([d, g, l]) => {
      devices.value = d; groups.value = g; loads.value = l;
    }, (e) => { error.value = problemOf(e).message; });
  }, []);
  return { devices: devices.value, groups: groups.value, loads: loads.value, error: error.value };
}

/** What can rotate, by name, in the order of the Consumptions pages. */
function choicesOf(devices: DeviceSummary[], groups: MeasureGroup[], loads: LoadSummary[]): Array<{ title: string; items: Choice[] }> {
  const energy = (e: string) => t(`energy.${e}` as MessageKey);
  const whole: Choice[] = [
    { what: 'total', label: t('cons.view.total') },
    { what: 'overall', label: t('cons.view.overall') },
    ...(['electricity', 'gas', 'water'] as const).map((e): Choice => ({ what: `type:${e}`, label: t('kioskSetup.allOfType', { energy: energy(e) }) })),
  ];
  return [
    { title: t('page.consumptions'), items: whole },
    { title: t('cons.groups'), items: groups.filter((g) => g.enabled).map((g): Choice => ({ what: `group:${g.id}`, label: g.name })) },
    { title: t('cons.loads'), items: loads.filter((l) => l.enabled).map((l): Choice => ({ what: `load:${l.id}`, label: l.id === 'others' ? t('cons.others') : l.name })) },
    { title: t('kioskSetup.devices'), items: devices.filter((d) => d.energyType !== 'none').map((d): Choice => ({ what: `device:${d.id}`, label: `${d.name} (${d.addressLabel})` })) },
  ].filter((g) => g.items.length > 0);
}

const periodName = (p: Period) => t(`cons.period.${p}` as MessageKey);

export function KioskSetupPage() {
  const lists = useLists();
  const chosen = useSignal<Chosen[]>([]);
  const pick = useSignal<string>('total');
  const pickPeriod = useSignal<Period>('day');
  const every = useSignal(String(DEFAULT_KIOSK_EVERY_S));
  const language = useSignal<string>('');
  const token = useSignal('');
  const tokenName = useSignal('');
  const qr = useSignal<Qr | null>(null);
  const qrError = useSignal<string | null>(null);
  const create = useAction();

  const groups = lists.devices && lists.groups && lists.loads ? choicesOf(lists.devices, lists.groups, lists.loads) : null;
  const all = groups?.flatMap((g) => g.items) ?? [];
  const everyS = Number(every.value);
  const everyOk = Number.isInteger(everyS) && everyS >= 5 && everyS <= 3600;
  const link = token.value.trim() && chosen.value.length && everyOk
    ? kioskLink({
      origin: location.origin, token: token.value.trim(), views: chosen.value.map((c) => kioskViewId(c.what, c.period)),
      everyS, ...(language.value ? { lang: language.value } : {}),
    })
    : '';

  // The QR code of the link, drawn with the library fetched on first use.
  useEffect(() => {
    if (!link) { qr.value = null; return undefined; }
    let alive = true;
    import('uqr').then(({ encode }) => {
      if (!alive) return;
      const r = encode(link, { ecc: 'M', border: 2 });
      qr.value = { size: r.size, version: r.version, data: r.data };
      qrError.value = null;
    }, (e: unknown) => { if (alive) qrError.value = problemOf(e).message; });
    return () => { alive = false; };
  }, [link]);

  const add = () => {
    const c = all.find((x) => x.what === pick.value);
    if (!c) return;
    // `overall` is a table of a period too; every view keeps its own period.
    chosen.value = [...chosen.value, { what: c.what, period: pickPeriod.value, label: c.label }];
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...chosen.value];
    const j = i + by;
    if (j < 0 || j >= next.length) return;
    [next[i], next[j]] = [next[j], next[i]];
    chosen.value = next;
  };
  const remove = (i: number) => { chosen.value = chosen.value.filter((_, k) => k !== i); };

  return (
    <Page id="kiosk-setup-page" title={t('kioskSetup.title')} back={{ href: '#/settings' }}>
      <p class="muted note-small">{t('kioskSetup.intro')}</p>
      {lists.error ? <p class="error" role="alert">{lists.error}</p> : null}

      <section class="card form kiosk-setup">
        <h2>{t('kioskSetup.charts')}</h2>
        {!groups ? <p class="muted">{t('common.loading')}</p> : (
          <div class="row kiosk-add">
            <Field label={t('kioskSetup.chart')} name="chart" class="grow">
              <select data-testid="kiosk-pick" value={pick.value} onChange={(e) => { pick.value = e.currentTarget.value; }}>
                {groups.map((g) => (
                  <optgroup key={g.title} label={g.title}>
                    {g.items.map((c) => <option key={c.what} value={c.what}>{c.label}</option>)}
                  </optgroup>
                ))}
              </select>
            </Field>
            <Field label={t('cons.period')} name="period" class="short">
              <select data-testid="kiosk-pick-period" value={pickPeriod.value} onChange={(e) => { pickPeriod.value = e.currentTarget.value as Period; }}>
                {PERIODS.map((p) => <option key={p} value={p}>{periodName(p)}</option>)}
              </select>
            </Field>
            <div class="buttons bottom">
              <button type="button" class="primary-inline" data-testid="kiosk-add" onClick={add}>{t('kioskSetup.add')}</button>
            </div>
          </div>
        )}
        {chosen.value.length === 0 ? <p class="muted" data-testid="kiosk-chosen-none">{t('kioskSetup.none')}</p> : (
          <ol class="items kiosk-chosen" data-testid="kiosk-chosen">
            {chosen.value.map((c, i) => (
              <li key={`${c.what}-${c.period}-${i}`} class="item" data-testid="kiosk-chosen-item" data-view={kioskViewId(c.what, c.period)}>
                <span class="item-addr">{i + 1}</span>
                <span class="item-main"><b>{c.label}</b><small class="muted">{periodName(c.period)}</small></span>
                <span class="kiosk-moves">
                  <button type="button" data-testid="kiosk-up" disabled={i === 0} aria-label={t('kioskSetup.up')} title={t('kioskSetup.up')} onClick={() => move(i, -1)}>↑</button>
                  <button type="button" data-testid="kiosk-down" disabled={i === chosen.value.length - 1} aria-label={t('kioskSetup.down')} title={t('kioskSetup.down')} onClick={() => move(i, 1)}>↓</button>
                  <button type="button" class="danger-outline" data-testid="kiosk-remove" aria-label={t('kioskSetup.remove')} title={t('kioskSetup.remove')} onClick={() => remove(i)}>✕</button>
                </span>
              </li>
            ))}
          </ol>
        )}
        <div class="row">
          <Field label={t('kioskSetup.every')} name="every" hint={t('kioskSetup.everyHint')} class="short">
            <input type="number" data-testid="kiosk-every" min={5} max={3600} step={1} value={every.value} onInput={(e) => { every.value = e.currentTarget.value; }} />
          </Field>
          <Field label={t('kioskSetup.language')} name="lang" class="short">
            <select data-testid="kiosk-lang" value={language.value} onChange={(e) => { language.value = e.currentTarget.value; }}>
              <option value="">{t('kioskSetup.tabletLanguage')}</option>
              {LANGS.map((l) => <option key={l} value={l}>{langName(l)}</option>)}
            </select>
          </Field>
        </div>
        {everyOk ? null : <p class="field-error" role="alert" data-testid="kiosk-every-error">{t('kioskSetup.everyRange')}</p>}
      </section>

      <section class="card form kiosk-setup">
        <h2>{t('kioskSetup.token')}</h2>
        <p class="muted note-small">{t('kioskSetup.tokenHint')}</p>
        <form
          class="row" noValidate autocomplete="off"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run(async () => {
              const k = await api.createKioskToken(tokenName.value.trim());
              token.value = k.token;
              tokenName.value = '';
              return t('kiosk.created', { name: k.name });
            });
          }}
        >
          <Field label={t('kiosk.name')} name="name" errors={create.errors()} hint={t('kiosk.nameHint')} class="grow">
            <input data-testid="kiosk-setup-name" value={tokenName.value} maxLength={40} onInput={(e) => { tokenName.value = e.currentTarget.value; }} />
          </Field>
          <div class="buttons bottom">
            <button type="submit" class="primary-inline" data-testid="kiosk-setup-create" disabled={create.state.value.busy || !tokenName.value.trim()}>{t('kiosk.create')}</button>
          </div>
        </form>
        <FormMessage action={create} shown={['name']} testid="kiosk-setup-message" />
        <Field label={t('kioskSetup.tokenField')} name="token">
          <input data-testid="kiosk-token" value={token.value} autocomplete="off" spellcheck={false} onInput={(e) => { token.value = e.currentTarget.value; }} />
        </Field>
      </section>

      <section class="card kiosk-setup kiosk-result" data-testid="kiosk-result">
        <h2>{t('kioskSetup.link')}</h2>
        {!link ? <p class="muted" data-testid="kiosk-link-missing">{t(!token.value.trim() ? 'kioskSetup.needToken' : !chosen.value.length ? 'kioskSetup.needChart' : 'kioskSetup.everyRange')}</p> : (
          <>
            <div class="row">
              <input class="inline-input grow" readOnly data-testid="kiosk-link" value={link} onFocus={(e) => e.currentTarget.select()} />
              <a class="button" href={link} target="_blank" rel="noopener" data-testid="kiosk-link-open">{t('kiosk.open')}</a>
            </div>
            {qrError.value ? <p class="error" role="alert">{t('common.error', { message: qrError.value })}</p> : qr.value ? (
              <QrCode qr={qr.value} label={t('kioskSetup.qrLabel')} />
            ) : <p class="muted">{t('common.loading')}</p>}
          </>
        )}
      </section>
    </Page>
  );
}

/** The QR code as one SVG path (a square per dark module), crisp at any size. */
function QrCode({ qr, label }: { qr: Qr; label: string }) {
  let d = '';
  qr.data.forEach((row, y) => row.forEach((dark, x) => { if (dark) d += `M${x} ${y}h1v1h-1z`; }));
  return (
    <figure class="kiosk-qr" data-testid="kiosk-qr" data-size={qr.size} data-version={qr.version}>
      <svg viewBox={`0 0 ${qr.size} ${qr.size}`} width="240" height="240" role="img" aria-label={label} shape-rendering="crispEdges">
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={d} fill="#000" />
      </svg>
      <figcaption class="muted note-small">{label}</figcaption>
    </figure>
  );
}
