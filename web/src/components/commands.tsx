/**
 * State/Com. section of a device page (DEV-2, DEV-3): the commands its model offers (breaker or
 * EMS relay open / close / reset), its outputs with ON / OFF and their configuration ("Write").
 * Switching asks for a confirmation first; the answer says whether the device confirmed it.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { CatalogModel, CommandKind, CommandResult, DeviceSummary, LiveResponse, OutputConfig } from '@ews/shared';
import { api } from '../api';
import { t, tLabel, type MessageKey } from '../i18n';

let catalogOnce: Promise<CatalogModel[]> | undefined;
function catalogModels(): Promise<CatalogModel[]> {
  catalogOnce ??= api.catalog().catch((e) => { catalogOnce = undefined; throw e; });
  return catalogOnce;
}

interface Pending { label: string; run: () => Promise<CommandResult> }

function outcomeText(r: CommandResult): string {
  const state = r.state ?? (r.config ? `${r.config.normalState}, ${r.config.mode}, ${r.config.onTimeS} s` : '');
  return t(`commands.outcome.${r.outcome}` as MessageKey, { state, detail: r.detail ?? '' });
}

export function CommandPanel({ device, live, onDone }: { device: DeviceSummary; live: LiveResponse | null; onDone: () => void }) {
  const model = useSignal<CatalogModel | null>(null);
  const pending = useSignal<Pending | null>(null);
  const busy = useSignal(false);
  const result = useSignal<CommandResult | null>(null);
  const problem = useSignal<string | null>(null);
  const configOf = useSignal<number | null>(null);
  const form = useSignal<OutputConfig>({ normalState: 'NO', mode: 'impulsive', onTimeS: 0 });

  useEffect(() => {
    catalogModels().then((all) => { model.value = all.find((m) => m.family === device.family && m.model === device.model) ?? null; }).catch(() => undefined);
  }, [device.family, device.model]);

  const m = model.value;
  if (!m || !m.capabilities.includes('command')) return null;
  const commands = m.commands ?? [];
  const outputs = Array.from({ length: m.outputs ?? 0 }, (_, i) => i + 1);
  const labelOf = (key: string, fallback: string) => live?.measures.find((x) => x.key === key)?.label ?? fallback;
  const valueOf = (key: string) => live?.values[key]?.value;

  const run = async (fn: () => Promise<CommandResult>) => {
    busy.value = true; problem.value = null; result.value = null;
    try { result.value = await fn(); onDone(); } catch (e) { problem.value = e instanceof Error ? e.message : String(e); } finally { busy.value = false; pending.value = null; }
  };
  const openConfig = (n: number) => {
    const ns = valueOf(`output${n}NormalState`); const md = valueOf(`output${n}ModeState`); const ot = valueOf(`output${n}OnTimeS`);
    form.value = { normalState: ns === 'NC' ? 'NC' : 'NO', mode: md === 'blinking' ? 'blinking' : 'impulsive', onTimeS: typeof ot === 'number' ? ot : 0 };
    configOf.value = n;
  };

  return (
    <section class="card" id="commands" data-testid="commands">
      <h2>{t('commands.title')}</h2>
      {commands.length ? (
        <div class="toolbar" id="device-commands">
          {commands.map((c) => (
            <button key={c.kind} type="button" data-command={c.kind} disabled={busy.value}
              onClick={() => { pending.value = { label: tLabel(c), run: () => api.switchDevice(device.id, c.kind as CommandKind) }; }}>{tLabel(c)}</button>
          ))}
        </div>
      ) : null}
      {outputs.length ? (
        <table class="measure-table" id="outputs">
          <caption>{t('commands.outputs')}</caption>
          <tbody>
            {outputs.map((n) => {
              const label = labelOf(`output${n}State`, `Output ${n}`);
              const state = valueOf(`output${n}State`);
              return (
                <tr key={n} data-output={n} data-state={String(state ?? '')}>
                  <th scope="row">{label}</th>
                  <td class="output-state">{state === 'on' ? t('commands.on') : state === 'off' ? t('commands.off') : '—'}</td>
                  <td>
                    <button type="button" data-action="on" disabled={busy.value}
                      onClick={() => { pending.value = { label: t('commands.switchOutput', { output: label, state: t('commands.on') }), run: () => api.setOutput(device.id, n, true) }; }}>{t('commands.on')}</button>
                    <button type="button" data-action="off" disabled={busy.value}
                      onClick={() => { pending.value = { label: t('commands.switchOutput', { output: label, state: t('commands.off') }), run: () => api.setOutput(device.id, n, false) }; }}>{t('commands.off')}</button>
                    <button type="button" data-action="configure" disabled={busy.value} onClick={() => openConfig(n)}>{t('commands.configure')}</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {configOf.value !== null ? (
        <form id="output-config" data-output={configOf.value} onSubmit={(e) => { e.preventDefault(); const n = configOf.value!; void run(() => api.configureOutput(device.id, n, form.value)); }}>
          <h3>{t('commands.configure')} · {labelOf(`output${configOf.value}State`, `Output ${configOf.value}`)}</h3>
          <label class="field inline"><span>{t('commands.normalState')}</span>
            <select name="normalState" value={form.value.normalState} onChange={(e) => { form.value = { ...form.value, normalState: e.currentTarget.value as OutputConfig['normalState'] }; }}>
              <option value="NO">NO</option><option value="NC">NC</option>
            </select>
          </label>
          <label class="field inline"><span>{t('commands.mode')}</span>
            <select name="mode" value={form.value.mode} onChange={(e) => { form.value = { ...form.value, mode: e.currentTarget.value as OutputConfig['mode'] }; }}>
              <option value="impulsive">{t('commands.impulsive')}</option><option value="blinking">{t('commands.blinking')}</option>
            </select>
          </label>
          <label class="field inline"><span>{t('commands.onTime')}</span>
            <input name="onTimeS" type="number" min={0} max={65535} step={1} value={form.value.onTimeS}
              onInput={(e) => { form.value = { ...form.value, onTimeS: Number(e.currentTarget.value) }; }} />
          </label>
          <button type="submit" data-action="write" disabled={busy.value}>{t('commands.write')}</button>
          <button type="button" onClick={() => { configOf.value = null; }}>{t('commands.cancel')}</button>
        </form>
      ) : null}
      {pending.value ? (
        <div class="banner" role="alertdialog" id="command-confirm">
          <span>{t('commands.confirm', { action: pending.value.label })}</span>
          <button type="button" data-action="confirm" disabled={busy.value} onClick={() => { const p = pending.value!; void run(p.run); }}>{t('commands.yes')}</button>
          <button type="button" data-action="cancel" disabled={busy.value} onClick={() => { pending.value = null; }}>{t('commands.cancel')}</button>
        </div>
      ) : null}
      {busy.value ? <p class="muted">{t('commands.sending')}</p> : null}
      {result.value ? <p id="command-result" data-outcome={result.value.outcome} class={result.value.outcome === 'confirmed' ? 'ok' : 'error'} role="status">{outcomeText(result.value)}</p> : null}
      {problem.value ? <p class="error" role="alert">{problem.value}</p> : null}
    </section>
  );
}
