/** Whether the minimap is shown, remembered in the page's localStorage (on by default). */
const KEY = 'cnn-studio.minimap';

export function readMinimapShown(): boolean {
  try {
    return localStorage.getItem(KEY) !== 'hidden';
  } catch {
    return true;
  }
}

export function writeMinimapShown(shown: boolean): void {
  try {
    localStorage.setItem(KEY, shown ? 'shown' : 'hidden');
  } catch {
    // Storage refused (disabled, full): the choice holds for this session only.
  }
}
