/**
 * What the canvas' cards share beyond their data: which block is being renamed in place, and the
 * editor to send commands to. Set by GraphCanvas as a Svelte context, read by the cards.
 */
import { getContext, setContext } from 'svelte';
import type { EditorStore } from '../../editor/editor.svelte.ts';

export class CanvasUi {
  /** The block whose name is being edited on its card, if any. */
  renaming: string | null = $state(null);
  /** Cards are drawn as the simple large-type card (zoomed out past FULL_DETAIL_ZOOM). */
  far = $state(false);

  constructor(private readonly editorOf: () => EditorStore) {}

  get editor(): EditorStore {
    return this.editorOf();
  }
}

const KEY = Symbol('canvas-ui');

export function provideCanvasUi(ui: CanvasUi): void {
  setContext(KEY, ui);
}

export function canvasUi(): CanvasUi {
  return getContext<CanvasUi>(KEY);
}
