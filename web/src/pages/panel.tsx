/** My panel board (DEV-1): the device list, filtered by panel board and gateway, refreshed every 5 s. */
import { useModel, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { StationStatus } from '@ews/shared';
import { call } from '../api/client';
import { sessionModel } from '../state/session';
import { DeviceButton } from '../components/device-button';
import { Page } from '../components/layout';
import { statusText } from '../components/status';
import { t } from '../i18n';
import { PanelModel } from '../state/devices';
import { navigate } from '../state/router';

export function PanelPage() {
  const m = useModel(PanelModel);
  const gateways = m.boardGateways.value;
  const boards = m.panelBoards.value;
  const list = m.visible.value;
  // charging stations show their charge state and priority mark to the greenUp user (EV-4)
  const stations = useSignal<Map<number, StationStatus>>(new Map());
  const greenUp = sessionModel.user.value?.pages.includes('greenUp') ?? false;
  useEffect(() => {
    if (!greenUp) return undefined;
    let alive = true;
    const poll = () => { void call('GET /api/greenup/status').then((s) => { if (alive) stations.value = new Map(s.stations.map((x) => [x.deviceId, x])); }).catch(() => undefined); };
    poll();
    const timer = setInterval(poll, 5000);
    return () => { alive = false; clearInterval(timer); };
  }, [greenUp]);

  return (
    <Page id="panel-page" title={t('page.myPanelBoard')} back={{ href: '#/' }}>
      <div class="toolbar">
        <div class="filters">
          {boards.length ? (
            <label class="field inline">
              <span>{t('panel.panelBoard')}</span>
              <select id="panelboard-filter" data-testid="panelboard-filter" value={m.boardFilter.value} onChange={(e) => m.setBoardFilter(e.currentTarget.value)}>
                <option value="all">{t('panel.allPanelBoards')}</option>
                {boards.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
              </select>
            </label>
          ) : null}
          <label class="field inline">
            <span>{t('panel.gateway')}</span>
            <select id="gateway-filter" data-testid="gateway-filter" value={m.filter.value} onChange={(e) => m.setFilter(e.currentTarget.value)}>
              <option value="all">{t('panel.allGateways')}</option>
              {gateways.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}{g.status === 'on' ? '' : ` (${statusText(g.status, g.statusReason)})`}
                </option>
              ))}
            </select>
          </label>
        </div>
        {m.loaded.value ? <span class="muted" id="device-count">{t('panel.count', { count: list.length })}</span> : null}
      </div>
      {!m.loaded.value ? (
        m.error.value ? <p class="error">{t('common.error', { message: m.error.value })}</p> : <p class="muted">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t('panel.empty')}</p>
      ) : (
        <div class="devices" id="device-list">
          {list.map((d) => (
            <DeviceButton
              key={d.id} device={d} station={stations.value.get(d.id)} onOpen={(id) => navigate(`/panel/${id}`)}
              // All gateways: two gateways may each have an address 5; say whose.
              gatewayName={m.filter.value === 'all' && gateways.length > 1 ? gateways.find((g) => g.id === d.gatewayId)?.name ?? d.gatewayId : undefined}
            />
          ))}
        </div>
      )}
    </Page>
  );
}
