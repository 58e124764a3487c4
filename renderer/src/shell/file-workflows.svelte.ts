/**
 * The document's life: new (through the welcome), open, save, save as, export, and what happens
 * when a file does not open. Every way that would replace the design asks first when it has
 * unsaved changes, in an in-app dialog that names the design.
 *
 * Two rules worth knowing:
 * - Saving a design nobody named ("Untitled", or no name) to `my-mnist.json` names it "my-mnist";
 *   a name of its own (typed, or a preset's) is kept whatever the file is called.
 * - A design imported from a Keras or TensorFlow.js file is never saved over that file: Save asks
 *   for a new name, suggesting `<name>.json` beside it.
 */
import { FILE_KIND_INFO, type ExportFormat, type FileKind, type HostInfo, type PresetInfo, type StudioApi } from '../../../main/api/contract.ts';
import type { GraphDocument } from '../../../main/graph/types.ts';
import type { FileCommands } from '../actions/types.ts';
import type { EditorStore } from '../editor/editor.svelte.ts';
import { UNTITLED } from '../editor/graph-edits.ts';
import type { Dialogs } from './dialogs.svelte.ts';
import type { Notices } from './notices.svelte.ts';

/** What the file workflows need from the rest of the shell. */
export interface WorkflowHooks {
  /** Frames the design that was just opened (after the canvas has drawn it). */
  fitView(): void;
  /** Back to the Design view, where an opened design is shown. */
  showDesign(): void;
}

/** The last part of a path, with either separator. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** A design's name as a file name: lower case, dashes, no punctuation ("Journey round 10" → "journey-round-10"). */
export function fileStem(name: string | undefined): string {
  const stem = (name ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return stem === '' || stem === UNTITLED.toLowerCase() ? 'design' : stem;
}

/** The name a design takes when saved to `path`: its own, or the file's when it has none. */
export function nameAfterSaving(graph: GraphDocument, path: string): string | undefined {
  if (graph.name && graph.name.trim() !== '' && graph.name !== UNTITLED) return graph.name;
  return fileName(path).replace(/\.json$/i, '') || graph.name;
}

/** Where Save as suggests saving a design imported from `importedPath`: `<name>.json` in the same folder, never the import itself. */
export function suggestionBesideImport(importedPath: string, graph: GraphDocument, workspace: string | undefined): string {
  const folder = importedPath.slice(0, importedPath.length - fileName(importedPath).length);
  let name = `${fileStem(graph.name)}.json`;
  if (folder + name === importedPath) name = `${fileStem(graph.name)}-studio.json`;
  const full = folder + name;
  // The browser mode's chooser works in workspace-relative names.
  if (workspace && full.startsWith(`${workspace}/`)) return full.slice(workspace.length + 1);
  return full;
}

const EXPORT_SUFFIX: Record<ExportFormat, string> = { pytorch: '_pytorch.py', keras: '_keras.py', 'keras-json': '_keras.json' };
const IMPORTED_FORMAT_NAME = { keras: 'a Keras model file', tfjs: 'a TensorFlow.js model file' } as const;

export class FileWorkflows implements FileCommands {
  api: StudioApi | undefined = $state.raw();
  host: HostInfo | undefined = $state.raw();
  presets: PresetInfo[] = $state.raw([]);
  recent: string[] = $state.raw([]);
  /** The format the open design was imported from; Save then asks for a new name. */
  imported: 'keras' | 'tfjs' | null = $state(null);

  constructor(
    private readonly editor: EditorStore,
    private readonly dialogs: Dialogs,
    private readonly notices: Notices,
    private readonly hooks: WorkflowHooks,
  ) {}

  get ready(): boolean {
    return this.api !== undefined;
  }

  connect(api: StudioApi, host: HostInfo, presets: PresetInfo[], recent: string[]): void {
    this.host = host;
    this.presets = presets;
    this.recent = recent;
    this.api = api;
  }

  /** True when there is nothing unsaved to lose, or the user chose to discard it. */
  async confirmDiscard(): Promise<boolean> {
    if (!this.editor.dirty) return true;
    const name = this.editor.state.graph.name ?? UNTITLED;
    return this.dialogs.ask({
      testid: 'discard-changes',
      title: 'Discard unsaved changes?',
      message: `"${name}" has changes that are not saved${this.editor.state.path ? ` to ${this.editor.state.path}` : ''}.`,
      details: 'Discarding loses them; keep editing to save them first.',
      choices: [
        { label: 'Discard changes', value: true, danger: true },
        { label: 'Keep editing', value: false, primary: true },
      ],
      cancel: false,
    });
  }

  /** The welcome: a preset, an empty design, a file, or a recent one; Escape keeps what is open. */
  async newDesign(): Promise<void> {
    if (!this.api) return;
    const choice = await this.dialogs.welcome();
    if (!choice) return;
    if (choice.kind === 'open') return this.open();
    if (choice.kind === 'recent') return this.openRecent(choice.path);
    if (!(await this.confirmDiscard())) return;
    if (choice.kind === 'empty') {
      this.editor.dispatch({ type: 'new' });
      this.imported = null;
      this.hooks.showDesign();
      this.notices.show('A new, empty design: drag an Input block from the palette to begin.');
    } else await this.openPreset(choice.id);
  }

  async openPreset(id: string): Promise<void> {
    const graph = await this.notices.report(this.api!.loadPreset(id));
    if (!graph) return;
    this.editor.open(graph, null);
    this.imported = null;
    this.hooks.showDesign();
    this.notices.show(`Opened the preset ${graph.name ?? id}`);
    this.hooks.fitView();
  }

  async open(): Promise<void> {
    if (!this.api || !(await this.confirmDiscard())) return;
    const path = await this.askForPath('open', 'graph', '');
    if (path) await this.openPath(path);
  }

  async openRecent(path: string): Promise<void> {
    if (!this.api || !(await this.confirmDiscard())) return;
    await this.openPath(path);
  }

  /** Opens a file; one that does not open is reported, with its backup offered when there is one. */
  async openPath(path: string): Promise<void> {
    const api = this.api!;
    let opened;
    try {
      opened = await api.openGraph(path);
    } catch (error) {
      const message = (error as Error).message;
      const backup = await api.findBackup(path).catch(() => null);
      if (!backup) return this.notices.fail(message);
      const useBackup = await this.dialogs.ask({
        testid: 'damaged-file',
        title: 'This file does not open',
        message,
        details: `Opening the backup (saved ${new Date(backup.modified).toLocaleString()}) leaves both files as they are; saving then replaces the damaged one.`,
        choices: [
          { label: 'Open the backup', value: true, primary: true },
          { label: 'Cancel', value: false },
        ],
        cancel: false,
      });
      if (useBackup) await this.openBackupOf(path);
      return;
    }
    this.editor.open(opened.graph, opened.path);
    this.imported = opened.imported;
    this.hooks.showDesign();
    this.recent = await api.recentFiles();
    this.notices.show(
      opened.imported
        ? `Imported ${opened.path} (${IMPORTED_FORMAT_NAME[opened.imported]}); Save asks for a new name, so the import is never overwritten.`
        : `Opened ${opened.path}`,
    );
    this.hooks.fitView();
  }

  private async openBackupOf(path: string): Promise<void> {
    const backup = await this.notices.report(this.api!.openBackup(path));
    if (!backup) return;
    this.editor.dispatch({ type: 'restore', graph: backup.graph, path: backup.original });
    this.imported = null;
    this.notices.show(`Opened the backup saved ${new Date(backup.modified).toLocaleString()}; save to replace the damaged ${backup.original}.`);
    this.hooks.fitView();
  }

  async save(): Promise<void> {
    if (!this.api) return;
    const path = this.editor.state.path;
    if (path && !this.imported) await this.saveTo(path);
    else await this.saveAs();
  }

  async saveAs(): Promise<void> {
    if (!this.api) return;
    const graph = this.editor.state.graph;
    const path = this.editor.state.path;
    const suggested = this.imported && path ? suggestionBesideImport(path, graph, this.host?.workspace) : `${fileStem(graph.name)}.json`;
    const chosen = await this.askForPath('save', 'graph', suggested);
    if (chosen) await this.saveTo(chosen);
  }

  async saveTo(path: string): Promise<void> {
    const before = this.editor.state.graph;
    const name = nameAfterSaving(before, path);
    const graph = name !== undefined && name !== before.name ? { ...before, name } : before;
    const saved = await this.notices.report(this.api!.saveGraph(path, graph));
    if (!saved) return;
    // Only mark clean if nothing changed while saving; the design takes the file's name only once it is in the file.
    if (this.editor.state.graph === before) {
      if (graph !== before) this.editor.dispatch({ type: 'setName', name: graph.name! });
      this.editor.dispatch({ type: 'saved', path: saved.path });
    }
    this.imported = null;
    this.recent = await this.api!.recentFiles();
    this.notices.show(`Saved ${saved.path}`);
  }

  async exportAs(format: ExportFormat): Promise<void> {
    if (!this.api) return;
    const graph = this.editor.state.graph;
    const chosen = await this.askForPath('save', format, `${fileStem(graph.name).replace(/-/g, '_')}${EXPORT_SUFFIX[format]}`);
    if (!chosen) return;
    await this.notices.report(this.api.exportDesign(chosen, format, graph), (done) => `Exported ${done.path}`);
  }

  /** A path from the host's own dialog, or from the in-app chooser where the host has none (the browser mode). */
  private async askForPath(purpose: 'open' | 'save', kind: FileKind, suggested: string): Promise<string | null> {
    const api = this.api!;
    const native = await this.notices.report(api.chooseFile(purpose, kind, suggested || undefined));
    if (native) return native;
    if (this.host?.kind !== 'browser') return null;
    const files = (await this.notices.report(api.listFiles(kind))) ?? [];
    const chosen = await this.dialogs.chooseFile({ purpose, fileKind: kind, files, workspace: this.host.workspace, suggested });
    if (chosen && purpose === 'save' && !chosen.endsWith(FILE_KIND_INFO[kind].extension)) return `${chosen}${FILE_KIND_INFO[kind].extension}`;
    return chosen;
  }
}
