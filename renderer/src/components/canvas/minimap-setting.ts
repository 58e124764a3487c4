/** Whether the minimap is shown, remembered with the studio's other small settings (on by default). */
import { defaultStore, readSetting, writeSetting, type SettingStore } from '../../shell/stored-setting.ts';

const KEY = 'minimap';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

export function readMinimapShown(store: SettingStore = defaultStore()): boolean {
  return readSetting(store, KEY, true, isBoolean);
}

export function writeMinimapShown(shown: boolean, store: SettingStore = defaultStore()): void {
  writeSetting(store, KEY, shown);
}
