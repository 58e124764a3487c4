/** The shell around the editor as actions see it: which view is shown, the panels, the theme, the title being edited. */
import type { Panel, ThemePreference, View, ViewCommands } from '../actions/types.ts';
import type { Dialogs } from './dialogs.svelte.ts';
import type { PanelState } from './panels.svelte.ts';
import type { ThemeState } from './theme.svelte.ts';

export class ViewState implements ViewCommands {
  view: View = $state('design');
  /** The model's name is being edited in the toolbar. */
  editingTitle = $state(false);

  constructor(
    readonly themeState: ThemeState,
    readonly panelState: PanelState,
    private readonly dialogs: Dialogs,
  ) {}

  get theme(): ThemePreference {
    return this.themeState.preference;
  }

  get panels(): Record<Panel, { collapsed: boolean }> {
    const { collapsed } = this.panelState.layout;
    return { palette: { collapsed: collapsed.palette }, side: { collapsed: collapsed.side } };
  }

  get modalOpen(): boolean {
    return this.dialogs.open;
  }

  show(view: View): void {
    this.view = view;
  }

  togglePanel(panel: Panel): void {
    this.panelState.toggle(panel);
  }

  setTheme(theme: ThemePreference): void {
    this.themeState.set(theme);
  }

  renameModel(): void {
    this.editingTitle = true;
  }
}
