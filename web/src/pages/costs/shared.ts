/** What the Bill of consumptions pages share: the page model and a few labels. */
import { useModel } from '@preact/signals';
import type { CostType } from '@ews/shared';
import { t, type MessageKey } from '../../i18n';
import { CostsModel } from '../../state/costs';

export const useCosts = (type: CostType) => useModel(() => new CostsModel(type));
export type Costs = ReturnType<typeof useCosts>;

export const typeName = (type: CostType) => t(`energy.${type}` as MessageKey);
export const currencyOf = (m: Costs) => m.settings.value?.currency ?? '…';
export const tariffName = (m: Costs, id: string) => m.tariffOf(id)?.name ?? t('costs.unknownTariff', { id });
