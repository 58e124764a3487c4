/**
 * The colour theme: the system's (prefers-color-scheme, followed live), or always light or dark,
 * as the user chose; the choice is remembered. The page's colours are CSS variables keyed on
 * `data-theme` on the root element (styles.css); charts read the same variables.
 */
import type { ThemePreference } from '../actions/types.ts';
import { defaultStore, readSetting, writeSetting, type SettingStore } from './stored-setting.ts';

const KEY = 'theme';
const isPreference = (value: unknown): value is ThemePreference => value === 'system' || value === 'light' || value === 'dark';

/** The part of a MediaQueryList this needs. */
export interface DarkQuery {
  matches: boolean;
  addEventListener(type: 'change', listener: (event: { matches: boolean }) => void): void;
}

export class ThemeState {
  preference: ThemePreference = $state('system');
  /** Whether the system asks for dark colours now. */
  systemDark = $state(false);
  /** What the page shows. */
  effective: 'light' | 'dark' = $derived(this.preference === 'system' ? (this.systemDark ? 'dark' : 'light') : this.preference);

  constructor(
    private readonly store: SettingStore = defaultStore(),
    query: DarkQuery | null = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null,
  ) {
    this.preference = readSetting(store, KEY, 'system', isPreference);
    if (query) {
      this.systemDark = query.matches;
      query.addEventListener('change', (event) => (this.systemDark = event.matches));
    }
  }

  set(preference: ThemePreference): void {
    this.preference = preference;
    writeSetting(this.store, KEY, preference);
  }
}
