/**
 * What an action is: a named command with a label, an optional shortcut, an enabled state read
 * from the editor and the shell, and a `perform`. The toolbar, the palette, the context menus, the
 * keyboard and the desktop app's menu all run commands through these (see README.md here).
 */
import type { ExportFormat } from '../../../main/api/contract.ts';
import type { GraphAnalysis } from '../../../main/analysis/types.ts';
import type { BlockType } from '../../../main/graph/types.ts';
import type { EditorCommand, EditorState } from '../editor/editor-state.ts';
import type { Shortcut } from './shortcut.ts';

export type ActionName =
  // The document
  | 'new'
  | 'open'
  | 'openRecent'
  | 'save'
  | 'saveAs'
  | 'exportPytorch'
  | 'exportKeras'
  | 'exportKerasJson'
  | 'renameModel'
  // Editing the graph
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'duplicate'
  | 'delete'
  | 'selectAll'
  | 'addBlock'
  | 'autoLayout'
  // The canvas (canvas-actions.ts)
  | 'deleteOnly'
  | 'quickAdd'
  | 'renameBlock'
  | 'group'
  | 'ungroup'
  | 'toggleGroup'
  | 'layoutDown'
  | 'layoutRight'
  | 'toggleCompact'
  | 'toggleMinimap'
  // The window
  | 'zoomToFit'
  | 'showDesign'
  | 'showTrain'
  | 'showRuns'
  | 'togglePalette'
  | 'toggleSidePanel'
  | 'setTheme';

export type ThemePreference = 'system' | 'light' | 'dark';
export type View = 'design' | 'train' | 'runs';
export type Panel = 'palette' | 'side';

/** The argument an action takes when it takes one; the others take none. */
export interface ActionArgs {
  /** The path of the recent file to open. */
  openRecent: string;
  /** The kind of block to add. */
  addBlock: BlockType;
  setTheme: ThemePreference;
}
export type ArgOf<N extends ActionName> = N extends keyof ActionArgs ? ActionArgs[N] : undefined;

/** Where a right click can open a menu; each action lists the ones that offer it. */
export type MenuContext = 'block' | 'edge' | 'canvas';

/** The editor as actions see it: the state, its analysis, and the one way to change it. */
export interface EditorAccess {
  readonly state: EditorState;
  readonly analysis: GraphAnalysis;
  readonly dirty: boolean;
  dispatch(command: EditorCommand): void;
}

/** File workflows (file-workflows.svelte.ts): each asks before losing unsaved work where it would. */
export interface FileCommands {
  /** The engine is connected; nothing that reads or writes files runs before. */
  readonly ready: boolean;
  readonly recent: readonly string[];
  /** Opens the welcome: the gallery, an empty design, recent files. */
  newDesign(): void;
  open(): Promise<void>;
  openRecent(path: string): Promise<void>;
  save(): Promise<void>;
  saveAs(): Promise<void>;
  exportAs(format: ExportFormat): Promise<void>;
}

/** The canvas, for what only it can do (it knows the viewport and the measured card sizes). */
export interface CanvasCommands {
  zoomToFit(): void;
  /** Auto-layout (elkjs) as one undo step; a direction or compact view given is kept with the design. */
  autoLayout(options?: { direction?: 'down' | 'right'; compact?: boolean }): Promise<void>;
  /** Opens quick add (search a block, Enter adds it) at the pointer. */
  openQuickAdd(): void;
  /** Puts the selected block's name into editing on its card. */
  renameSelected(): void;
  toggleMinimap(): void;
  readonly minimapShown: boolean;
}

/** The shell around the editor: views, panels, theme, the model's title. */
export interface ViewCommands {
  readonly view: View;
  readonly theme: ThemePreference;
  readonly panels: Readonly<Record<Panel, { collapsed: boolean }>>;
  /** Whether a modal dialog is open: then only the dialog takes keys. */
  readonly modalOpen: boolean;
  show(view: View): void;
  togglePanel(panel: Panel): void;
  setTheme(theme: ThemePreference): void;
  /** Puts the model's name into editing (the title in the toolbar). */
  renameModel(): void;
}

export interface ActionContext {
  editor: EditorAccess;
  files: FileCommands;
  canvas: CanvasCommands;
  view: ViewCommands;
}

export type ActionGroup = 'file' | 'edit' | 'canvas' | 'view';

export interface Action<N extends ActionName = ActionName> {
  name: N;
  /** What menus and buttons say, in sentence case, with "…" when it asks for more before acting. */
  label: string;
  /** One line on what it does, for tooltips. */
  description?: string;
  group: ActionGroup;
  /** The first is shown in menus; any of them triggers the action. */
  shortcuts?: readonly Shortcut[];
  /**
   * Whether the shortcut also works while typing in a text field. File shortcuts (Ctrl+S) do;
   * editing shortcuts (Ctrl+Z, Ctrl+C…) then belong to the field.
   */
  whileTyping?: boolean;
  /** The right-click menus that offer it. */
  contexts?: readonly MenuContext[];
  /** Greyed out in menus and ignored from the keyboard when false. */
  enabled(context: ActionContext): boolean;
  /** Ticked in menus (a panel shown, the theme chosen). */
  checked?(context: ActionContext, arg: ArgOf<N>): boolean;
  perform(context: ActionContext, arg: ArgOf<N>): void | Promise<void>;
}

/** Any registered action, whatever its name. */
export type AnyAction = { [N in ActionName]: Action<N> }[ActionName];
