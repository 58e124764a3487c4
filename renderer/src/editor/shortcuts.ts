/** Keyboard shortcuts: Ctrl on Linux and Windows, Cmd on macOS. */
import type { CommandName } from './editor-state.ts';

export type Shortcut = Extract<CommandName, 'undo' | 'redo' | 'copy' | 'cut' | 'paste' | 'duplicate' | 'selectAll' | 'delete'> | 'save' | 'saveAs' | 'open' | 'new' | 'zoomToFit';

/** The shortcut an event means, or null; while typing in a field only file shortcuts apply. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>, typing: boolean): Shortcut | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && key === 's') return event.shiftKey ? 'saveAs' : 'save';
  if (mod && key === 'o') return 'open';
  if (mod && key === 'n') return 'new';
  if (typing) return null;
  if (!mod && (key === 'delete' || key === 'backspace')) return 'delete';
  if (!mod) return null;
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (key === 'y') return 'redo';
  if (key === 'c') return 'copy';
  if (key === 'x') return 'cut';
  if (key === 'v') return 'paste';
  if (key === 'd') return 'duplicate';
  if (key === 'a') return 'selectAll';
  if (key === '0') return 'zoomToFit';
  return null;
}
