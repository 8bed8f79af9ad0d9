/** Bill of consumptions: the tariffs of a type (≤ 5) and their editor with dated prices (COST-2). */
import { useSignal } from '@preact/signals';
import { MAX_PRICES_PER_TARIFF, MAX_TARIFFS_PER_TYPE, type CostType, type Tariff } from '@ews/shared';
import { Field, FormMessage, useAction } from '../../components/form';
import { lang, t } from '../../i18n';
import { currentPrice, formatPrice, priceUnit, tariffDraftErrors, tariffDraftOf, tariffInputOf, todayLocal, type FieldErrors, type TariffDraft } from '../../state/costs';
import { EditorDialog } from '../../components/dialog';
import { type Costs, typeName, currencyOf, tariffName } from './shared';


export function TariffsCard({ m, type, onEdit, onDelete }: { m: Costs; type: CostType; onEdit: (x: Tariff | 'new') => void; onDelete: (x: Tariff) => void }) {
  const list = m.tariffs.value;
  const full = (list?.length ?? 0) >= MAX_TARIFFS_PER_TYPE;
  const unit = priceUnit(type, currencyOf(m));
  const today = todayLocal();
  return (
    <section class="card costs-card" aria-labelledby="costs-tariffs-title" data-testid="tariffs">
      <div class="pane-head">
        <h2 id="costs-tariffs-title">
          {t('costs.tariffs')} — {typeName(type)}{' '}
          {list ? <small class="muted">({t('costs.tariffCount', { n: list.length, max: MAX_TARIFFS_PER_TYPE })})</small> : null}
        </h2>
        <button type="button" data-testid="tariff-add" disabled={!list || full} onClick={() => onEdit('new')}>+ {t('costs.tariffAdd')}</button>
      </div>
      {full ? <p class="muted note-small">{t('costs.tariffMax', { max: MAX_TARIFFS_PER_TYPE })}</p> : null}
      {!list ? <p class="muted">{t('common.loading')}</p> : list.length === 0 ? (
        <p class="muted" data-testid="tariffs-none">{t('costs.noTariff')}</p>
      ) : (
        <ul class="items" data-testid="tariff-list">
          {list.map((x) => {
            const { now, next } = currentPrice(x, today);
            const price = (p: number) => formatPrice(p, lang.value);
            const parts: string[] = [];
            if (now) {
              parts.push(t('costs.priceNow', { price: price(now.price), unit }));
              if (now.from && x.prices.length > 1) parts.push(t('costs.priceSince', { date: now.from }));
              if (next?.from) parts.push(t('costs.priceNext', { price: price(next.price), date: next.from }));
            } else if (next?.from) {
              parts.push(t('costs.priceNotYet', { price: price(next.price), unit, date: next.from }));
            }
            if (x.prices.length > 1) parts.push(t('costs.priceCount', { count: x.prices.length }));
            return (
              <li key={x.id} class="item cost-tariff" data-testid="tariff-row" data-id={x.id} data-name={x.name} style={{ borderLeftColor: x.color }}>
                <span class="cost-swatch" style={{ background: x.color }} data-testid="tariff-swatch" data-color={x.color} aria-hidden="true" />
                <span class="item-main">
                  <b data-testid="tariff-row-name">{x.name}</b>
                  <small class="muted" data-testid="tariff-price">{parts.join(' · ')}</small>
                </span>
                <span class="buttons small">
                  <button type="button" data-testid="tariff-edit" aria-label={t('costs.editTariff', { name: x.name })} onClick={() => onEdit(x)}>{t('costs.edit')}</button>
                  <button type="button" class="danger-outline" data-testid="tariff-delete" aria-label={t('costs.deleteTariff', { name: x.name })} onClick={() => onDelete(x)}>
                    {t('cfg.delete')}
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function TariffDialog({ m, type, tariff, onClose }: { m: Costs; type: CostType; tariff?: Tariff; onClose: () => void }) {
  const d = useSignal<TariffDraft>(tariffDraftOf(tariff, (m.tariffs.value ?? []).filter((x) => x.id !== tariff?.id)));
  const local = useSignal<FieldErrors>({});
  const save = useAction();
  const errors = { ...save.errors(), ...local.value };
  const unit = priceUnit(type, currencyOf(m));
  const x = d.value;
  const set = (patch: Partial<TariffDraft>) => { d.value = { ...d.value, ...patch }; };
  const setPrice = (i: number, patch: Partial<TariffDraft['prices'][number]>) => {
    set({ prices: d.value.prices.map((p, k) => (k === i ? { ...p, ...patch } : p)) });
  };
  const priceKeys = x.prices.flatMap((_, i) => [`prices.${i}.price`, `prices.${i}.from`]);

  function onSubmit(e: Event) {
    e.preventDefault();
    local.value = tariffDraftErrors(d.value, t('costs.priceNumber'));
    if (Object.keys(local.value).length) { save.clear(); return; }
    void save.run(async () => { await m.saveTariff(tariff?.id ?? null, tariffInputOf(type, d.value)); onClose(); });
  }

  return (
    <EditorDialog title={tariff ? t('costs.tariffTitle', { name: tariff.name }) : t('costs.tariffNew', { type: typeName(type) })} testid="tariff-dialog" onClose={onClose}>
      <form class="form" noValidate autocomplete="off" onSubmit={onSubmit} data-testid="tariff-form" data-id={tariff?.id ?? 'new'}>
        <div class="row">
          <Field label={t('costs.tariffName')} name="name" errors={errors} class="grow">
            <input data-testid="tariff-name" value={x.name} maxLength={32} onInput={(e) => set({ name: e.currentTarget.value })} />
          </Field>
          <Field label={t('costs.tariffColor')} name="color" errors={errors} hint={t('costs.tariffColorHint')} class="short">
            <input type="color" class="cost-color" data-testid="tariff-color" value={x.color} onInput={(e) => set({ color: e.currentTarget.value })} />
          </Field>
        </div>
        <fieldset class="group" data-field="prices">
          <legend>{t('costs.prices')} ({unit})</legend>
          <p class="muted note-small">{t('costs.pricesNote')}</p>
          {x.prices.map((p, i) => (
            <div key={i} class="cost-price-row" data-testid="price-row" data-index={i}>
              <Field label={t('costs.price', { unit })} name={`prices.${i}.price`} errors={errors}>
                <input data-testid="price" value={p.price} inputMode="decimal" onInput={(e) => { setPrice(i, { price: e.currentTarget.value }); local.value = {}; }} />
              </Field>
              <Field label={t('costs.priceFrom')} name={`prices.${i}.from`} errors={errors} hint={x.prices.length === 1 ? t('costs.priceFromOne') : undefined}>
                <input type="date" data-testid="price-from" value={p.from} onInput={(e) => setPrice(i, { from: e.currentTarget.value })} />
              </Field>
              <button
                type="button" class="cost-remove" data-testid="price-remove" disabled={x.prices.length === 1}
                aria-label={t('costs.priceRemove', { n: i + 1 })} title={t('costs.priceRemove', { n: i + 1 })}
                onClick={() => { set({ prices: x.prices.filter((_, k) => k !== i) }); local.value = {}; }}
              >×</button>
            </div>
          ))}
          {errors.prices ? <span class="field-error" role="alert" data-testid="error-prices">{errors.prices.join(' ')}</span> : null}
          <div class="buttons small">
            <button
              type="button" data-testid="price-add" disabled={x.prices.length >= MAX_PRICES_PER_TARIFF}
              onClick={() => set({ prices: [...x.prices, { price: '', from: '' }] })}
            >+ {t('costs.priceAdd')}</button>
            {x.prices.length >= MAX_PRICES_PER_TARIFF ? <small class="muted">{t('costs.priceMax', { max: MAX_PRICES_PER_TARIFF })}</small> : null}
          </div>
        </fieldset>
        <FormMessage action={save} shown={['name', 'color', 'prices', ...priceKeys]} testid="tariff-message" />
        <div class="buttons">
          <button type="submit" class="primary-inline" data-testid="tariff-save" disabled={save.state.value.busy}>{t('cfg.save')}</button>
          <button type="button" data-testid="tariff-cancel" onClick={onClose}>{t('cfg.cancel')}</button>
        </div>
      </form>
    </EditorDialog>
  );
}
