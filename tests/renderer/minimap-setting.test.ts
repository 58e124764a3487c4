/** The minimap's toggle is remembered, and a damaged setting falls back to showing it. */
import { describe, expect, it } from 'vitest';
import { readMinimapShown, writeMinimapShown } from '../../renderer/src/components/canvas/minimap-setting.ts';

function memory() {
  const values = new Map<string, string>();
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value) };
}

describe('the minimap setting', () => {
  it('is shown until hidden, and stays hidden', () => {
    const store = memory();
    expect(readMinimapShown(store)).toBe(true);
    writeMinimapShown(false, store);
    expect(readMinimapShown(store)).toBe(false);
  });

  it('shows the minimap when the stored value is not understood', () => {
    const store = memory();
    store.setItem('cnn-studio.minimap', '"hidden"');
    expect(readMinimapShown(store)).toBe(true);
  });
});
