/** Small inline icons (no icon font: they must work offline and weigh nothing). */
import type { Capability } from '@ews/shared';

const PATHS: Record<Capability, string> = {
  // gauge
  measure: 'M8 3a6 6 0 0 0-6 6h2a4 4 0 0 1 8 0h2a6 6 0 0 0-6-6zm2.8 2.4L8.6 8.2a1.2 1.2 0 1 0 1 .8l1.9-3.2z',
  // on/off state: toggle
  state: 'M5 4h6a4 4 0 0 1 0 8H5a4 4 0 0 1 0-8zm6 1.8a2.2 2.2 0 1 0 0 4.4 2.2 2.2 0 0 0 0-4.4z',
  // command: power symbol
  command: 'M7.2 1h1.6v7H7.2zM4.1 3.6l1.1 1.1a4.2 4.2 0 1 0 5.6 0l1.1-1.1a5.8 5.8 0 1 1-7.8 0z',
  // link: chain
  link: 'M6.5 9.5l3-3 1 1-3 3zM4 8l1.5-1.5 1 1L5 9a1.4 1.4 0 0 0 2 2l1.5-1.5 1 1L8 12a2.8 2.8 0 0 1-4-4zm8 0l-1.5 1.5-1-1L11 7a1.4 1.4 0 0 0-2-2L7.5 6.5l-1-1L8 4a2.8 2.8 0 0 1 4 4z',
};

export function CapabilityIcon({ cap, title }: { cap: Capability; title: string }) {
  return (
    <svg class="icon" viewBox="0 0 16 16" width="16" height="16" role="img" aria-label={title} data-cap={cap}>
      <title>{title}</title>
      <path d={PATHS[cap]} fill="currentColor" />
    </svg>
  );
}

/** Home tile icons, drawn with strokes on a 24-unit grid. */
const TILE_PATHS: Record<string, string> = {
  // globe
  webServerConfig: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18',
  // sliders
  systemConfig: 'M4 6h16M4 12h16M4 18h16M8 4v4M15 10v4M10 16v4',
  // panel board: two rows of breakers
  myPanelBoard: 'M3 4h18v16H3zM3 12h18M7 6v4M11 6v4M15 6v4M7 14v4M11 14v4M15 14v4',
  // bar chart
  consumptions: 'M4 20h16M6 20V11M10 20V5M14 20v-8M18 20V8',
  // download into tray
  reports: 'M12 3v11M7 9l5 5 5-5M4 16v4h16v-4',
  // bell
  alarms: 'M6 17V11a6 6 0 0 1 12 0v6l2 2H4zM10 21h4',
  // plug with bolt
  greenUp: 'M9 2v5M15 2v5M6 7h12v4a6 6 0 0 1-12 0zM12 17v5M12.5 9l-2 3h3l-2 3',
};

export function TileIcon({ page }: { page: string }) {
  return (
    <svg class="tile-icon" viewBox="0 0 24 24" width="40" height="40" aria-hidden="true">
      <path d={TILE_PATHS[page] ?? ''} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
