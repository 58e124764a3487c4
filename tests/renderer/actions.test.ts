/** The registry of actions: one label, shortcut, enabled state and perform for every way a command is given. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';
import { MENU_COMMANDS, TEXT_EDIT_COMMANDS, type MenuCommand } from '../../main/api/contract.ts';
import { menuTemplate } from '../../electron/menu.ts';
import { createActionManager, registeredActions, type ActionName } from '../../renderer/src/actions/index.ts';
import { register } from '../../renderer/src/actions/register.ts';
import { acceleratorOf, displayShortcut, parseShortcut, type Shortcut } from '../../renderer/src/actions/shortcut.ts';
import { testContext } from './action-context.ts';

/** A keydown as the browser would send it for a shortcut, on Linux/Windows. */
function keyFor(shortcut: Shortcut, target: unknown = canvas) {
  let prevented = false;
  const key = /^[a-z]$/.test(shortcut.key) && shortcut.shift ? shortcut.key.toUpperCase() : shortcut.key === 'delete' ? 'Delete' : shortcut.key === 'backspace' ? 'Backspace' : shortcut.key;
  return {
    key,
    code: /^[0-9]$/.test(shortcut.key) ? `Digit${shortcut.key}` : `Key${shortcut.key.toUpperCase()}`,
    ctrlKey: shortcut.mod,
    metaKey: false,
    shiftKey: shortcut.shift,
    altKey: shortcut.alt,
    target,
    get defaultPrevented() {
      return prevented;
    },
    preventDefault: () => void (prevented = true),
  };
}

const element = (tagName: string, type?: string) => ({ tagName, getAttribute: (name: string) => (name === 'type' ? (type ?? null) : null) });
const canvas = element('DIV');
const textField = element('INPUT', 'text');

/** The menu items that send a command, by command, with their label and accelerator. */
function desktopMenuItems() {
  const sent: string[] = [];
  const edited: string[] = [];
  const template = menuTemplate({ isMac: false, command: (c) => sent.push(c), editText: (c) => edited.push(c), openDocumentation: () => {}, showAbout: () => {} });
  const items = new Map<string, { label: string; accelerator?: string; click: (item: unknown, window: unknown, event: { triggeredByAccelerator?: boolean }) => void }>();
  for (const menu of template) {
    for (const item of (menu.submenu ?? []) as { label?: string; accelerator?: string; click?: never }[]) {
      if (!item.click || !item.label) continue;
      sent.length = 0;
      (item.click as (i: unknown, w: unknown, e: object) => void)({}, {}, {});
      if (sent.length === 1) items.set(sent[0]!, item as never);
    }
  }
  sent.length = 0;
  return { items, sent, edited };
}

describe('the registry of actions', () => {
  const actions = registeredActions();

  it('has one action per name, each with a label and a group', () => {
    const names = actions.map((action) => action.name);
    expect(new Set(names).size).toBe(names.length);
    for (const action of actions) expect(action.label, action.name).not.toBe('');
    expect(() => register({ name: 'undo', label: 'Undo again', group: 'edit', enabled: () => true, perform: () => {} })).toThrow('the action undo is registered twice');
  });

  it('reaches every action that has a shortcut from the keyboard, each shortcut meaning one action', () => {
    const { context } = testContext();
    const manager = createActionManager(() => context, 'other');
    const seen = new Map<string, ActionName>();
    for (const action of actions) {
      for (const shortcut of action.shortcuts ?? []) {
        const event = keyFor(shortcut);
        expect(manager.handleKeydown(event), shortcut.keys).toBe(action.name);
        expect(event.defaultPrevented).toBe(true);
        expect(seen.get(displayShortcut(shortcut, 'other')), `${shortcut.keys} is taken twice`).toBeUndefined();
        seen.set(displayShortcut(shortcut, 'other'), action.name);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(15);
  });

  it('lists every action that has a shortcut in the desktop menu, with the same label and accelerator', () => {
    const { items } = desktopMenuItems();
    for (const action of actions.filter((a) => a.shortcuts)) {
      const item = items.get(action.name);
      expect(item, `${action.name} is in no menu`).toBeDefined();
      expect(item!.label).toBe(action.label);
      expect(item!.accelerator).toBe(acceleratorOf(action.shortcuts![0]!));
    }
  });

  it('are listed in the README with their keys, and the README lists no other', () => {
    const table = readFileSync(join(REPO, 'README.md'), 'utf8').split('## Keyboard')[1]!.split('\n## ')[0]!;
    const rows = [...table.matchAll(/^\| (.+?) \| (.+?) \|$/gm)].slice(1).map((m) => [m[1], m[2]]);
    const expected = actions.filter((a) => a.shortcuts).map((a) => [a.label, a.shortcuts!.map((s) => displayShortcut(s, 'other')).join(', ')]);
    expect(rows).toEqual(expected);
  });

  it('sends only registered actions from the desktop menu, none of which needs an argument', () => {
    const { items } = desktopMenuItems();
    const names = new Set(actions.map((action) => action.name));
    expect([...items.keys()].sort()).toEqual([...MENU_COMMANDS].sort());
    for (const command of MENU_COMMANDS) {
      expect(names.has(command), command).toBe(true);
      expect(items.get(command)!.label).toBe(actions.find((a) => a.name === command)!.label);
    }
    for (const name of ['openRecent', 'addBlock', 'setTheme'] as ActionName[]) expect(MENU_COMMANDS as readonly string[]).not.toContain(name);
  });

  it('leaves editing keys to a focused text field, but saves from one', () => {
    const { context, calls, getState } = testContext();
    const manager = createActionManager(() => context, 'other');
    context.editor.dispatch({ type: 'add', blockType: 'input', position: { x: 0, y: 0 } });
    const undo = keyFor(parseShortcut('Mod+Z'), textField);
    expect(manager.handleKeydown(undo)).toBeNull();
    expect(undo.defaultPrevented).toBe(false);
    expect(getState().graph.nodes).toHaveLength(1);
    const del = keyFor(parseShortcut('Delete'), textField);
    expect(manager.handleKeydown(del)).toBeNull();
    expect(getState().graph.nodes).toHaveLength(1);

    const save = keyFor(parseShortcut('Mod+S'), textField);
    expect(manager.handleKeydown(save)).toBe('save');
    expect(save.defaultPrevented).toBe(true);
    expect(calls).toEqual(['save']);

    // A checkbox is no text field: Ctrl+Z there undoes the graph.
    expect(manager.handleKeydown(keyFor(parseShortcut('Mod+Z'), element('INPUT', 'checkbox')))).toBe('undo');
    expect(getState().graph.nodes).toHaveLength(0);
  });

  it('takes a shortcut whose action is disabled without running it, and takes none while a dialog is open', () => {
    const { context, calls } = testContext({ ready: false });
    const manager = createActionManager(() => context, 'other');
    const save = keyFor(parseShortcut('Mod+S'));
    expect(manager.handleKeydown(save)).toBe('save');
    expect(save.defaultPrevented).toBe(true);
    expect(calls).toEqual([]);

    const modal = testContext({ modalOpen: true });
    const underDialog = keyFor(parseShortcut('Mod+S'));
    expect(createActionManager(() => modal.context, 'other').handleKeydown(underDialog)).toBeNull();
    expect(underDialog.defaultPrevented).toBe(false);
    expect(modal.calls).toEqual([]);
  });

  it('matches Cmd on macOS, and not Ctrl there', () => {
    const { context } = testContext();
    const manager = createActionManager(() => context, 'mac');
    const cmd = { ...keyFor(parseShortcut('Mod+Z')), ctrlKey: false, metaKey: true };
    expect(manager.handleKeydown(cmd)).toBe('undo');
    expect(manager.handleKeydown(keyFor(parseShortcut('Mod+Z')))).toBeNull();
    expect(manager.shortcutLabel('redo')).toBe('⇧⌘Z');
    expect(createActionManager(() => context, 'other').tooltip('undo')).toBe('Undo (Ctrl+Z)');
  });

  it('sends a menu editing command to the focused text field, and anything else to the graph', () => {
    const { context } = testContext();
    const manager = createActionManager(() => context, 'other');
    for (const command of TEXT_EDIT_COMMANDS) {
      expect(manager.routeMenuCommand(command, textField)).toEqual({ kind: 'text', command });
      expect(manager.routeMenuCommand(command, canvas)).toEqual({ kind: 'action', name: command });
    }
    expect(manager.routeMenuCommand('save', textField)).toEqual({ kind: 'action', name: 'save' });
    expect(manager.routeMenuCommand('undo', null)).toEqual({ kind: 'action', name: 'undo' });
  });

  it('offers the block, edge and canvas menus their actions, enabled by the selection', () => {
    const { context } = testContext();
    const manager = createActionManager(() => context, 'other');
    context.editor.dispatch({ type: 'add', blockType: 'input', position: { x: 0, y: 0 } });
    const block = manager.menuEntries('block');
    expect(block.map((entry) => entry.action.name)).toEqual(['cut', 'copy', 'duplicate', 'delete', 'deleteOnly', 'renameBlock', 'group', 'ungroup', 'toggleGroup']);
    // Not in a group: ungrouping and collapsing have nothing to act on.
    expect(block.filter((entry) => !entry.enabled).map((entry) => entry.action.name)).toEqual(['ungroup', 'toggleGroup']);
    expect(block.find((entry) => entry.action.name === 'copy')!.shortcut).toBe('Ctrl+C');
    expect(manager.menuEntries('edge').map((entry) => entry.action.name)).toEqual(['delete']);
    const canvasMenu = manager.menuEntries('canvas');
    expect(canvasMenu.map((entry) => entry.action.name)).toEqual(['undo', 'redo', 'paste', 'selectAll', 'autoLayout', 'zoomToFit', 'quickAdd', 'layoutDown', 'layoutRight', 'toggleCompact']);
    expect(canvasMenu.find((entry) => entry.action.name === 'paste')!.enabled).toBe(false);
    context.editor.dispatch({ type: 'select', nodes: [] });
    expect(manager.menuEntries('block').every((entry) => !entry.enabled)).toBe(true);
  });

  it('adds a block after the selected one, into its chain, as the palette asks', () => {
    const { context, getState } = testContext();
    const manager = createActionManager(() => context, 'other');
    expect(manager.perform('addBlock', 'input')).toBe(true);
    expect(manager.perform('addBlock', 'output')).toBe(true);
    context.editor.dispatch({ type: 'select', nodes: ['input'] });
    expect(manager.perform('addBlock', 'conv2d')).toBe(true);
    expect(getState().graph.edges.map((e) => [e.source, e.target])).toEqual([['conv1', 'output'], ['input', 'conv1']]);
    expect(getState().selectedNodes).toEqual(new Set(['conv1']));
  });
});

describe('shortcuts', () => {
  it('are shown and given to Electron as each platform writes them', () => {
    const redo = parseShortcut('Mod+Shift+Z');
    expect(displayShortcut(redo, 'other')).toBe('Ctrl+Shift+Z');
    expect(displayShortcut(redo, 'mac')).toBe('⇧⌘Z');
    expect(acceleratorOf(redo)).toBe('CmdOrCtrl+Shift+Z');
    expect(acceleratorOf(parseShortcut('Delete'))).toBe('Delete');
    expect(displayShortcut(parseShortcut('Mod+Alt+B'), 'other')).toBe('Ctrl+Alt+B');
  });

  it('refuse a typo at start-up rather than never matching', () => {
    expect(() => parseShortcut('Ctl+S')).toThrow('the shortcut Ctl+S has an unknown modifier "ctl"');
    expect(() => parseShortcut('Mod+Save')).toThrow('the shortcut Mod+Save names no key it can match');
  });
});

describe('the desktop menu', () => {
  it('edits the focused text field when a key reaches an editing item, and sends the command when clicked', () => {
    const { items, sent, edited } = desktopMenuItems();
    for (const command of TEXT_EDIT_COMMANDS as readonly MenuCommand[]) {
      items.get(command)!.click({}, {}, { triggeredByAccelerator: true });
      items.get(command)!.click({}, {}, { triggeredByAccelerator: false });
    }
    expect(edited).toEqual([...TEXT_EDIT_COMMANDS]);
    expect(sent).toEqual([...TEXT_EDIT_COMMANDS]);
    // Other items always go to the page, however they were chosen.
    items.get('save')!.click({}, {}, { triggeredByAccelerator: true });
    expect(sent.at(-1)).toBe('save');
    expect(edited).toHaveLength(TEXT_EDIT_COMMANDS.length);
  });
});
