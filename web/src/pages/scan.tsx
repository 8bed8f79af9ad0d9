/**
 * Bus scan (CAT-3): probes an address range of one gateway with a live progress bar, proposes
 * the models it recognises as a checklist (addresses already configured are marked and left
 * unchecked) and adds the chosen ones in one step, with the names the technician typed: one
 * batch, all or none, one configuration version. A scan still running on the gateway (the page
 * was left and reopened) is resumed rather than started again.
 */
import { useModel, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { DeviceInput, ScanFound, ScanState } from '@ews/shared';
import { ApiClientError, api, isApiClientError } from '../api';
import { Field, FormMessage, num, problemOf, useAction } from '../components/form';
import { Page } from '../components/layout';
import { t, type MessageKey } from '../i18n';
import { navigate, paths } from '../state/router';
import { batchErrors } from '../state/catalog';
import { SystemPoll, deviceList, ensure, gateways, reload } from '../state/system';

export const SCAN_POLL_MS = 500;

const keyOf = (f: Pick<ScanFound, 'address' | 'position'>) => (f.position === undefined ? String(f.address) : `${f.address}-${f.position}`);

interface RowState { checked: boolean; name: string; error?: string; added?: boolean }

export function ScanPage({ gatewayId }: { gatewayId: string }) {
  useModel(() => new SystemPoll([], ['gateways', 'devices'], 60_000));
  const from = useSignal('1');
  const to = useSignal('247');
  const scan = useSignal<ScanState | null>(null);
  const rows = useSignal<Record<string, RowState>>({});
  const start = useAction();
  const add = useAction();
  const gw = gateways.value?.find((g) => g.id === gatewayId);
  const s = scan.value;
  const running = s?.state === 'running';

  const configured = (f: ScanFound) => (deviceList.value ?? []).some((d) => d.gatewayId === gatewayId && d.address === f.address && d.position === f.position);
  // Rows already configured are not selectable: adding them again could only be refused.
  const isConfigured = (f: ScanFound) => configured(f) && !rows.value[keyOf(f)]?.added;

  // New proposals arrive checked, unless their address is already configured.
  function merge(next: ScanState) {
    scan.value = next;
    const cur = rows.value;
    let changed = false;
    const out = { ...cur };
    for (const f of next.found) {
      const k = keyOf(f);
      if (!out[k]) { out[k] = { checked: !configured(f), name: '' }; changed = true; }
    }
    if (changed) rows.value = out;
  }

  // A scan of this gateway still running (the page was left and reopened): show its progress.
  useEffect(() => {
    let stopped = false;
    (async () => {
      const [list] = await Promise.all([api.scans(gatewayId), ensure('devices').catch(() => undefined)]);
      const current = list.find((x) => x.state === 'running');
      // Not over a scan the technician started meanwhile.
      if (stopped || !current || scan.value || start.state.value.busy) return;
      from.value = String(current.from);
      to.value = String(current.to);
      merge(current);
    })().catch(() => { /* nothing to resume: the form starts a new scan */ });
    return () => { stopped = true; };
  }, [gatewayId]);

  // Poll the running scan every 500 ms.
  useEffect(() => {
    if (!s || s.state !== 'running') return;
    let stopped = false;
    const timer = setTimeout(() => {
      api.scan(s.id).then((next) => { if (!stopped) merge(next); }, (e) => {
        if (!stopped) scan.value = { ...s, state: 'failed', error: problemOf(e).message };
      });
    }, SCAN_POLL_MS);
    return () => { stopped = true; clearTimeout(timer); };
  }, [s]);

  async function onStart(e: Event) {
    e.preventDefault();
    rows.value = {};
    scan.value = null;
    await start.run(async () => {
      await reload('devices');
      merge(await api.startScan(gatewayId, { from: num(from.value) as number, to: num(to.value) as number }));
    });
  }

  async function onCancel() {
    if (!s) return;
    try { merge(await api.cancelScan(s.id)); } catch (e) { scan.value = { ...s, error: problemOf(e).message }; }
  }

  async function onAdd() {
    if (!s) return;
    const chosen = s.found.filter((f) => rows.value[keyOf(f)]?.checked && !rows.value[keyOf(f)]?.added && !isConfigured(f));
    if (!chosen.length) return;
    const inputs: DeviceInput[] = chosen.map((f) => ({
      gatewayId, family: f.family, model: f.model, address: f.address,
      ...(f.position !== undefined ? { position: f.position } : {}), name: rows.value[keyOf(f)]!.name.trim(),
    }));
    rows.value = Object.fromEntries(Object.entries(rows.value).map(([k, r]) => [k, r.error ? { ...r, error: undefined } : r]));
    const ok = await add.run(async () => {
      try {
        await api.createDevices(inputs);
      } catch (err) {
        // All or none: nothing was added; each refused item's reasons go on its row.
        if (!isApiClientError(err) || !err.fields) throw err;
        const { byIndex, rest } = batchErrors(err.fields);
        const out = { ...rows.value };
        let refused = 0;
        for (const [i, msgs] of byIndex) {
          const f = chosen[i];
          if (!f) { rest[String(i)] = msgs; continue; }
          out[keyOf(f)] = { ...out[keyOf(f)]!, error: msgs.join(' ') };
          refused++;
        }
        rows.value = out;
        if (!refused) throw err;
        // The rows say why; above the button, the summary and what names no row.
        throw new ApiClientError(err.status, err.code, t('scan.refused'), err.body, rest);
      }
      const out = { ...rows.value };
      for (const f of chosen) out[keyOf(f)] = { ...out[keyOf(f)]!, added: true, checked: false, error: undefined };
      rows.value = out;
      await reload('devices').catch(() => undefined);
      return t('scan.added', { count: chosen.length });
    });
    if (ok) navigate(paths.devices(gatewayId));
  }

  const checkedCount = (s?.found ?? []).filter((f) => rows.value[keyOf(f)]?.checked && !rows.value[keyOf(f)]?.added && !isConfigured(f)).length;
  const pct = s && s.total ? Math.round((100 * s.done) / s.total) : 0;
  const setAll = (checked: boolean) => {
    const out: Record<string, RowState> = { ...rows.value };
    for (const f of s?.found ?? []) {
      const k = keyOf(f);
      const r = out[k];
      if (r && !r.added) out[k] = { ...r, checked: checked && !isConfigured(f) };
    }
    rows.value = out;
  };

  return (
    <Page id="scan-page" title={gw ? t('scan.title', { gateway: gw.name }) : t('scan.button')} back={{ href: `#${paths.devices(gatewayId)}` }}>
      <form class="card form" onSubmit={onStart} data-testid="scan-form" noValidate>
        <p class="muted note-small">{t('scan.intro')}</p>
        <div class="row">
          <Field label={t('scan.from')} name="from" errors={start.errors()} class="short">
            <input data-testid="scan-from" value={from.value} inputMode="numeric" disabled={running} onInput={(e) => { from.value = e.currentTarget.value; }} />
          </Field>
          <Field label={t('scan.to')} name="to" errors={start.errors()} class="short">
            <input data-testid="scan-to" value={to.value} inputMode="numeric" disabled={running} onInput={(e) => { to.value = e.currentTarget.value; }} />
          </Field>
          <div class="buttons bottom">
            <button type="submit" class="primary-inline" data-testid="scan-start" disabled={running || start.state.value.busy}>{t('scan.start')}</button>
            {running ? <button type="button" data-testid="scan-cancel" onClick={() => { void onCancel(); }}>{t('cfg.cancel')}</button> : null}
          </div>
        </div>
        <FormMessage action={start} shown={['from', 'to']} />
      </form>

      {s ? (
        <section class="card scan-result" data-testid="scan-result">
          <div class="progress-line">
            <progress data-testid="scan-progress" value={s.done} max={s.total || 1} aria-label={t('scan.progress')} />
            <span data-testid="scan-state" data-state={s.state} data-done={s.done} data-total={s.total} data-elapsed-ms={s.elapsedMs}>
              {t(`scan.state.${s.state}` as MessageKey)} · {t('scan.count', { done: s.done, total: s.total, pct })}
              {' · '}<span data-testid="scan-elapsed">{t('scan.elapsed', { s: (s.elapsedMs / 1000).toFixed(1) })}</span>
            </span>
          </div>
          {s.probeReplyStartMs !== null ? <p class="muted note-small" data-testid="scan-probe">{t('scan.probe', { ms: s.probeReplyStartMs })}</p> : null}
          {s.error ? <p class="error" role="alert">{s.error}</p> : null}
          <p data-testid="scan-found-count" data-n={s.found.length}>{t('scan.found', { count: s.found.length })}</p>
          {s.found.length ? (
            <>
              <div class="buttons small">
                <button type="button" data-testid="scan-all" onClick={() => setAll(true)}>{t('scan.all')}</button>
                <button type="button" data-testid="scan-none" onClick={() => setAll(false)}>{t('scan.none')}</button>
              </div>
              <div class="scroll">
                <table class="list-table scan-table">
                  <thead><tr><th /><th>{t('dev.address')}</th><th>{t('dev.model')}</th><th>{t('cfg.name')}</th><th /></tr></thead>
                  <tbody>
                    {s.found.map((f) => {
                      const k = keyOf(f);
                      const r = rows.value[k] ?? { checked: false, name: '' };
                      const rowConfigured = isConfigured(f);
                      const setRow = (patch: Partial<RowState>) => { rows.value = { ...rows.value, [k]: { ...r, ...patch } }; };
                      return (
                        <tr
                          key={k} class={r.error ? 'invalid' : undefined} data-testid="scan-row" data-address={k}
                          data-configured={rowConfigured} data-added={r.added ? 'true' : 'false'} data-error={r.error ? 'true' : 'false'}
                        >
                          <td>
                            <input
                              type="checkbox" data-testid="scan-check" checked={r.checked && !rowConfigured} disabled={r.added || rowConfigured}
                              aria-label={t('scan.choose', { address: k })} onChange={(e) => setRow({ checked: e.currentTarget.checked })}
                            />
                          </td>
                          <td class="num"><b>{k}</b></td>
                          <td>{f.label}</td>
                          <td>
                            <input
                              class="inline-input" data-testid="scan-name" value={r.name} placeholder={k} maxLength={40} disabled={r.added || rowConfigured}
                              onInput={(e) => setRow({ name: e.currentTarget.value })}
                            />
                            {r.error ? <span class="field-error" role="alert" data-testid="scan-row-error">{r.error}</span> : null}
                          </td>
                          <td>
                            {r.added ? <span class="tag ok">{t('scan.addedTag')}</span> : rowConfigured ? <span class="tag" data-testid="scan-configured">{t('scan.configured')}</span> : null}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <FormMessage action={add} testid="scan-add-message" />
              <div class="buttons">
                <button type="button" class="primary-inline" data-testid="scan-add" disabled={checkedCount === 0 || add.state.value.busy} onClick={() => { void onAdd(); }}>
                  {t('scan.addSelected', { n: checkedCount })}
                </button>
              </div>
            </>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}
