/**
 * Keyboard shortcuts written once, as `Mod+Shift+Z`: the same text gives the matcher for key
 * events, the label shown in menus and tooltips, and the Electron accelerator. `Mod` is Ctrl on
 * Linux and Windows and Cmd on macOS (Electron's `CmdOrCtrl`).
 */

export type Platform = 'mac' | 'other';

/** The fields of a KeyboardEvent a shortcut looks at. */
export type KeyInput = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

export interface Shortcut {
  /** As written, e.g. `Mod+Shift+Z`. */
  readonly keys: string;
  readonly mod: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  /** The key as KeyboardEvent.key names it, lower-cased for letters: `z`, `0`, `delete`, `f2`. */
  readonly key: string;
}

const MODIFIERS = new Set(['mod', 'shift', 'alt']);
/** Keys named in shortcuts, as KeyboardEvent.key spells them (lower-cased) and as menus show them. */
const NAMED_KEYS: Record<string, { display: string; accelerator: string }> = {
  delete: { display: 'Del', accelerator: 'Delete' },
  backspace: { display: 'Backspace', accelerator: 'Backspace' },
  escape: { display: 'Esc', accelerator: 'Escape' },
  enter: { display: 'Enter', accelerator: 'Enter' },
  contextmenu: { display: 'Menu', accelerator: 'Menu' },
};

/** Parses `Mod+Shift+Z`; throws on a shortcut that could never match, so a typo fails at start-up and in the tests. */
export function parseShortcut(keys: string): Shortcut {
  const parts = keys.split('+').map((part) => part.trim().toLowerCase());
  const key = parts.pop() ?? '';
  const unknown = parts.find((part) => !MODIFIERS.has(part));
  if (unknown !== undefined) throw new Error(`the shortcut ${keys} has an unknown modifier "${unknown}"`);
  if (!/^([a-z0-9]|f[1-9][0-2]?)$/.test(key) && !(key in NAMED_KEYS)) throw new Error(`the shortcut ${keys} names no key it can match`);
  return { keys, mod: parts.includes('mod'), shift: parts.includes('shift'), alt: parts.includes('alt'), key };
}

/**
 * Whether a key event is this shortcut. Modifiers must match exactly (Ctrl+Z is not Ctrl+Shift+Z).
 * Digits are compared by physical key, as Shift changes what `key` reports for them.
 */
export function matches(shortcut: Shortcut, event: KeyInput, platform: Platform): boolean {
  const mod = platform === 'mac' ? event.metaKey : event.ctrlKey;
  const otherCommandKey = platform === 'mac' ? event.ctrlKey : event.metaKey;
  if (mod !== shortcut.mod || otherCommandKey || event.shiftKey !== shortcut.shift || event.altKey !== shortcut.alt) return false;
  if (/^[0-9]$/.test(shortcut.key)) return event.code === `Digit${shortcut.key}` || event.key === shortcut.key;
  return event.key.toLowerCase() === shortcut.key;
}

/** What a menu shows: `Ctrl+Shift+Z` on Linux and Windows, `⇧⌘Z` on macOS. */
export function displayShortcut(shortcut: Shortcut, platform: Platform): string {
  const key = NAMED_KEYS[shortcut.key]?.display ?? shortcut.key.toUpperCase();
  if (platform === 'mac') return `${shortcut.alt ? '⌥' : ''}${shortcut.shift ? '⇧' : ''}${shortcut.mod ? '⌘' : ''}${key}`;
  return [shortcut.mod ? 'Ctrl' : '', shortcut.alt ? 'Alt' : '', shortcut.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** The Electron accelerator for the same keys, e.g. `CmdOrCtrl+Shift+Z`. */
export function acceleratorOf(shortcut: Shortcut): string {
  const key = NAMED_KEYS[shortcut.key]?.accelerator ?? shortcut.key.toUpperCase();
  return [shortcut.mod ? 'CmdOrCtrl' : '', shortcut.alt ? 'Alt' : '', shortcut.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

export function currentPlatform(): Platform {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? 'mac' : 'other';
}
