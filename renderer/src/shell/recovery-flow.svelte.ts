/**
 * Unsaved work across crashes: at start-up the draft a killed session left is offered back (in a
 * dialog that names the design, its file and when it was kept); from then on the recovery keeper
 * writes the editor's unsaved design every few seconds. While the offer is open, nothing may
 * overwrite the draft it is about.
 */
import type { StudioApi } from '../../../main/api/contract.ts';
import type { EditorStore } from '../editor/editor.svelte.ts';
import { UNTITLED } from '../editor/graph-edits.ts';
import { recoveryKeeper, type RecoveryKeeper } from '../editor/recovery-keeper.ts';
import type { Dialogs } from './dialogs.svelte.ts';
import type { Notices } from './notices.svelte.ts';

export class RecoveryFlow {
  /** The offer is open: the draft in the recovery file is the user's to decide on. */
  offering = $state(false);
  #keeper: RecoveryKeeper | undefined;

  constructor(
    private readonly editor: EditorStore,
    private readonly dialogs: Dialogs,
    private readonly notices: Notices,
  ) {}

  /** Starts keeping unsaved work, after offering back what the last session left. Returns whether a draft was restored. */
  async start(api: Pick<StudioApi, 'readRecovery' | 'saveRecovery' | 'clearRecovery'>): Promise<boolean> {
    this.#keeper = recoveryKeeper(api, (message) => this.notices.fail(message));
    const draft = await api.readRecovery().catch((error: Error) => {
      this.notices.fail(error.message);
      return null;
    });
    if (!draft) return false;
    this.offering = true;
    const restore = await this.dialogs.ask({
      testid: 'recovery-offer',
      title: 'Restore unsaved changes?',
      message: `The last session ended with unsaved changes to "${draft.graph.name ?? UNTITLED}" (${draft.path ?? 'never saved'}), kept at ${new Date(draft.savedAt).toLocaleString()}.`,
      details: 'Discarding deletes them for good.',
      choices: [
        { label: 'Restore', value: true, primary: true },
        { label: 'Discard', value: false, danger: true },
      ],
      // Escape loses nothing: the draft comes back, and New can still discard it.
      cancel: true,
    });
    this.offering = false;
    if (restore) {
      this.editor.dispatch({ type: 'restore', graph: draft.graph, path: draft.path });
      this.#keeper.adopt();
      this.notices.show(`Restored the unsaved changes kept at ${new Date(draft.savedAt).toLocaleTimeString()}; save to keep them.`);
      return true;
    }
    await this.notices.report(api.clearRecovery(), () => 'Discarded the unsaved changes of the last session.');
    return false;
  }

  /** The editor changed (called on every state change). */
  changed(): void {
    if (this.offering) return;
    this.#keeper?.changed(() => ({ dirty: this.editor.dirty, graph: this.editor.state.graph, path: this.editor.state.path }));
  }

  dispose(): void {
    this.#keeper?.dispose();
  }
}
