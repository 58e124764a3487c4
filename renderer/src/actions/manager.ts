/**
 * Runs the registered actions for every way in: buttons and menus call `perform`, the window's
 * keydown goes through `handleKeydown`, the desktop app's menu through `handleMenuCommand`, and
 * the context menu lists `menuEntries`. Enabled states are read from the context each time, so a
 * Svelte template that calls `isEnabled` follows the editor's state.
 */
import { TEXT_EDIT_COMMANDS, type MenuCommand, type TextEditCommand } from '../../../main/api/contract.ts';
import { isTextField, type FocusTarget } from './focus.ts';
import { registeredActions } from './register.ts';
import { currentPlatform, displayShortcut, matches, type KeyInput, type Platform } from './shortcut.ts';
import type { Action, ActionContext, ActionName, AnyAction, ArgOf, MenuContext } from './types.ts';

/** A key event as the manager needs it; `target` is where the focus was. */
export type KeyEventLike = KeyInput & { target: unknown; defaultPrevented?: boolean; preventDefault(): void };

export interface MenuEntry {
  action: AnyAction;
  enabled: boolean;
  /** The first shortcut, as this platform writes it; empty when there is none. */
  shortcut: string;
}

/** What a menu command from the desktop app's menu should do, given the focused element. */
export type MenuRoute = { kind: 'action'; name: MenuCommand } | { kind: 'text'; command: TextEditCommand };

export type ActionManager = ReturnType<typeof createActionManager>;

export function createActionManager(context: () => ActionContext, platform: Platform = currentPlatform()) {
  const byName = new Map(registeredActions().map((action) => [action.name, action]));

  function get(name: ActionName): AnyAction {
    const action = byName.get(name);
    if (!action) throw new Error(`no action is registered as ${name}`);
    return action;
  }

  function isEnabled(name: ActionName): boolean {
    return get(name).enabled(context());
  }

  /** Runs an action if it is enabled; returns whether it ran. */
  function perform<N extends ActionName>(name: N, ...arg: ArgOf<N> extends undefined ? [] : [ArgOf<N>]): boolean {
    const action = get(name) as unknown as Action<N>;
    const current = context();
    if (!action.enabled(current)) return false;
    void action.perform(current, arg[0] as ArgOf<N>);
    return true;
  }

  function shortcutLabel(name: ActionName): string {
    const first = get(name).shortcuts?.[0];
    return first ? displayShortcut(first, platform) : '';
  }

  /** A button's tooltip: what it does, and its shortcut. */
  function tooltip(name: ActionName): string {
    const action = get(name);
    const shortcut = shortcutLabel(name);
    const text = action.description ? `${action.label.replace(/…$/, '')}: ${action.description}` : action.label;
    return shortcut ? `${text} (${shortcut})` : text;
  }

  /** The action a key event means here, or undefined (keys in a text field are its own, except file shortcuts). */
  function actionForKey(event: KeyInput, typing: boolean): AnyAction | undefined {
    return registeredActions().find((action) => (!typing || action.whileTyping) && action.shortcuts?.some((shortcut) => matches(shortcut, event, platform)));
  }

  /**
   * The window's keydown. A shortcut of an action is taken (default prevented, so neither the
   * browser nor the desktop app's menu acts on it again) and run if enabled; keys in a text
   * field stay with the field. Returns the action's name, or null when the key was not taken.
   */
  function handleKeydown(event: KeyEventLike): ActionName | null {
    if (event.defaultPrevented) return null;
    const current = context();
    if (current.view.modalOpen) return null;
    const action = actionForKey(event, isTextField(event.target as FocusTarget | null));
    if (!action) return null;
    event.preventDefault();
    if (action.enabled(current)) void (action as AnyAction & { perform(c: ActionContext, a: undefined): unknown }).perform(current, undefined);
    return action.name;
  }

  /**
   * Where a command from the desktop app's menu goes: an editing command while a text field has
   * the focus edits the text (as Electron's edit roles would); anything else runs the action.
   */
  function routeMenuCommand(command: MenuCommand, focused: FocusTarget | null): MenuRoute {
    if (isTextField(focused) && (TEXT_EDIT_COMMANDS as readonly string[]).includes(command)) return { kind: 'text', command: command as TextEditCommand };
    return { kind: 'action', name: command };
  }

  /** The entries of a right-click menu, in registration order, disabled ones included (greyed). */
  function menuEntries(where: MenuContext): MenuEntry[] {
    const current = context();
    return registeredActions()
      .filter((action) => action.contexts?.includes(where))
      .map((action) => ({ action, enabled: action.enabled(current), shortcut: shortcutLabel(action.name) }));
  }

  return { get, isEnabled, perform, shortcutLabel, tooltip, handleKeydown, routeMenuCommand, menuEntries, platform };
}
