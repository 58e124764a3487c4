/**
 * Small settings kept in the page's localStorage (the theme, the panel sizes): read once at
 * start-up, written on change. A value that does not parse or fails its check is replaced by the
 * default and reported once on the console, never thrown: a damaged setting must not stop the app.
 */
export interface SettingStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const SETTING_PREFIX = 'cnn-studio.';

/** The page's localStorage, or a memory-only store where there is none (tests, a locked-down profile). */
export function defaultStore(): SettingStore {
  try {
    if (typeof localStorage !== 'undefined') return localStorage;
  } catch {
    // Access to localStorage itself can throw (storage disabled); fall through to memory.
  }
  const memory = new Map<string, string>();
  return { getItem: (key) => memory.get(key) ?? null, setItem: (key, value) => void memory.set(key, value) };
}

export function readSetting<T>(store: SettingStore, key: string, fallback: T, valid: (value: unknown) => value is T): T {
  const text = store.getItem(SETTING_PREFIX + key);
  if (text === null) return fallback;
  try {
    const value: unknown = JSON.parse(text);
    if (valid(value)) return value;
  } catch {
    // reported below
  }
  console.info(`CNN Studio: the stored setting ${key} was not understood and is reset`);
  return fallback;
}

export function writeSetting(store: SettingStore, key: string, value: unknown): void {
  try {
    store.setItem(SETTING_PREFIX + key, JSON.stringify(value));
  } catch {
    // A full or disabled storage keeps the setting for this session only.
  }
}
