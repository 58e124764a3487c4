/**
 * The side panels: the block palette on the left, the inspector / problems (Design) or the
 * training form (Train) on the right. Each can be resized by dragging its edge and collapsed;
 * sizes and collapsed states are remembered.
 */
import type { Panel } from '../actions/types.ts';
import { defaultStore, readSetting, writeSetting, type SettingStore } from './stored-setting.ts';

/** A width the user can set, in CSS pixels: the right-hand panel is wider while training (its charts). */
export type PanelWidth = 'palette' | 'side' | 'train';

export const WIDTH_LIMITS: Record<PanelWidth, { min: number; max: number; initial: number }> = {
  palette: { min: 150, max: 360, initial: 190 },
  side: { min: 260, max: 640, initial: 330 },
  train: { min: 380, max: 900, initial: 560 },
};

export interface PanelLayout {
  widths: Record<PanelWidth, number>;
  collapsed: Record<Panel, boolean>;
}

const KEY = 'panels';

function initialLayout(): PanelLayout {
  return {
    widths: { palette: WIDTH_LIMITS.palette.initial, side: WIDTH_LIMITS.side.initial, train: WIDTH_LIMITS.train.initial },
    collapsed: { palette: false, side: false },
  };
}

function isLayout(value: unknown): value is PanelLayout {
  const layout = value as PanelLayout;
  return (
    typeof layout === 'object' &&
    layout !== null &&
    (Object.keys(WIDTH_LIMITS) as PanelWidth[]).every((key) => Number.isFinite(layout.widths?.[key])) &&
    typeof layout.collapsed?.palette === 'boolean' &&
    typeof layout.collapsed?.side === 'boolean'
  );
}

export function clampWidth(panel: PanelWidth, width: number): number {
  const { min, max } = WIDTH_LIMITS[panel];
  return Math.round(Math.min(max, Math.max(min, width)));
}

export class PanelState {
  layout: PanelLayout = $state(initialLayout());

  constructor(private readonly store: SettingStore = defaultStore()) {
    const stored = readSetting(store, KEY, initialLayout(), isLayout);
    // Limits may have changed since the sizes were stored.
    for (const key of Object.keys(WIDTH_LIMITS) as PanelWidth[]) stored.widths[key] = clampWidth(key, stored.widths[key]);
    this.layout = stored;
  }

  resize(panel: PanelWidth, width: number): void {
    this.layout.widths[panel] = clampWidth(panel, width);
    this.save();
  }

  toggle(panel: Panel): void {
    this.layout.collapsed[panel] = !this.layout.collapsed[panel];
    this.save();
  }

  private save(): void {
    writeSetting(this.store, KEY, $state.snapshot(this.layout));
  }
}
