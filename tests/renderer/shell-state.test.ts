/** The shell's own state: dialogs one at a time, remembered panel sizes and theme, the recovery offer, the desktop menu's routing. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GraphDocument } from '../../main/graph/types.ts';
import { createActionManager } from '../../renderer/src/actions/index.ts';
import { EditorStore } from '../../renderer/src/editor/editor.svelte.ts';
import { bindDesktopMenu } from '../../renderer/src/shell/desktop-menu.ts';
import { Dialogs } from '../../renderer/src/shell/dialogs.svelte.ts';
import { Notices } from '../../renderer/src/shell/notices.svelte.ts';
import { PanelState, WIDTH_LIMITS } from '../../renderer/src/shell/panels.svelte.ts';
import { RecoveryFlow } from '../../renderer/src/shell/recovery-flow.svelte.ts';
import type { SettingStore } from '../../renderer/src/shell/stored-setting.ts';
import { ThemeState } from '../../renderer/src/shell/theme.svelte.ts';
import { testContext } from './action-context.ts';

function memoryStore(initial: Record<string, string> = {}): SettingStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('dialogs', () => {
  it('show one request at a time, in order, each settling with its answer', async () => {
    const dialogs = new Dialogs();
    const first = dialogs.ask({ testid: 'a', title: 'First?', message: '', choices: [{ label: 'Yes', value: 'yes' }], cancel: 'no' });
    const second = dialogs.chooseFile({ purpose: 'save', fileKind: 'pytorch', files: [], workspace: '/ws', suggested: 'net.py' });
    expect(dialogs.open).toBe(true);
    expect(dialogs.current).toMatchObject({ title: 'First?' });
    dialogs.answer('yes');
    expect(await first).toBe('yes');
    expect(dialogs.current).toMatchObject({ kind: 'file', fileKind: 'pytorch' });
    dialogs.dismiss();
    expect(await second).toBeNull();
    expect(dialogs.open).toBe(false);
  });

  it('answer a question with its cancel value on Escape', async () => {
    const dialogs = new Dialogs();
    const asked = dialogs.ask({ testid: 'a', title: 'Delete?', message: '', choices: [{ label: 'Delete', value: true }], cancel: false });
    dialogs.dismiss();
    expect(await asked).toBe(false);
  });
});

describe('side panels', () => {
  it('remember sizes and collapsed states, within their limits', () => {
    const store = memoryStore();
    const panels = new PanelState(store);
    panels.resize('palette', 10);
    panels.resize('side', 5000);
    panels.toggle('side');
    const again = new PanelState(store);
    expect(again.layout.widths.palette).toBe(WIDTH_LIMITS.palette.min);
    expect(again.layout.widths.side).toBe(WIDTH_LIMITS.side.max);
    expect(again.layout.collapsed).toEqual({ palette: false, side: true });
  });

  it('start from the defaults when what is stored is damaged', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const panels = new PanelState(memoryStore({ 'cnn-studio.panels': '{"widths": {"palette": "wide"}}' }));
    expect(panels.layout.widths.palette).toBe(WIDTH_LIMITS.palette.initial);
    expect(info).toHaveBeenCalledWith('CNN Studio: the stored setting panels was not understood and is reset');
    info.mockRestore();
  });
});

describe('the theme', () => {
  it('follows the system until the user chooses, and remembers the choice', () => {
    let listener: ((event: { matches: boolean }) => void) | undefined;
    const query = { matches: false, addEventListener: (_: 'change', l: (event: { matches: boolean }) => void) => void (listener = l) };
    const store = memoryStore();
    const theme = new ThemeState(store, query);
    expect(theme.effective).toBe('light');
    listener!({ matches: true });
    expect(theme.effective).toBe('dark');
    theme.set('light');
    expect(theme.effective).toBe('light');
    expect(new ThemeState(store, { ...query, matches: true }).effective).toBe('light');
  });
});

describe('the recovery offer', () => {
  const draft: GraphDocument = { format: 'cnn-studio/graph', version: 2, name: 'Draft', nodes: [], edges: [] };

  async function offer(answer: 'restore' | 'discard' | 'escape') {
    const editor = new EditorStore();
    const dialogs = new Dialogs();
    const notices = new Notices();
    const api = { readRecovery: vi.fn(async () => ({ graph: draft, path: '/ws/net.json', savedAt: '2025-03-01T10:00:00.000Z' })), saveRecovery: vi.fn(async () => {}), clearRecovery: vi.fn(async () => {}) };
    const flow = new RecoveryFlow(editor, dialogs, notices);
    const started = flow.start(api);
    await tick();
    expect(dialogs.current).toMatchObject({ testid: 'recovery-offer', title: 'Restore unsaved changes?' });
    expect(dialogs.current!.kind === 'choice' && dialogs.current!.message).toContain('unsaved changes to "Draft" (/ws/net.json)');
    // While the offer is open, edits must not overwrite the draft it is about.
    expect(flow.offering).toBe(true);
    if (answer === 'escape') dialogs.dismiss();
    else dialogs.answer(answer === 'restore');
    return { restored: await started, editor, api };
  }

  it('restores the draft, dirty, on Restore and on Escape', async () => {
    for (const answer of ['restore', 'escape'] as const) {
      const { restored, editor, api } = await offer(answer);
      expect(restored).toBe(true);
      expect(editor.state.graph.name).toBe('Draft');
      expect(editor.dirty).toBe(true);
      expect(api.clearRecovery).not.toHaveBeenCalled();
    }
  });

  it('deletes the draft on Discard', async () => {
    const { restored, api } = await offer('discard');
    expect(restored).toBe(false);
    expect(api.clearRecovery).toHaveBeenCalledOnce();
  });
});

describe('the desktop menu in the page', () => {
  afterEach(() => {
    delete (globalThis as { document?: unknown }).document;
  });

  function bind(focused: { tagName: string; getAttribute(name: string): string | null }) {
    const executed: string[] = [];
    (globalThis as { document?: unknown }).document = { activeElement: focused, execCommand: (command: string) => (executed.push(command), true) };
    let send: ((command: string) => void) | undefined;
    const { context, getState } = testContext();
    context.editor.dispatch({ type: 'add', blockType: 'input', position: { x: 0, y: 0 } });
    bindDesktopMenu({ onMenuCommand: (listener) => ((send = listener as never), () => {}) }, createActionManager(() => context, 'other'), () => {});
    return { send: send!, executed, getState };
  }

  it('undoes the text of a focused field, not a graph step', () => {
    const { send, executed, getState } = bind({ tagName: 'INPUT', getAttribute: () => 'text' });
    send('undo');
    expect(executed).toEqual(['undo']);
    expect(getState().graph.nodes).toHaveLength(1);
  });

  it('undoes a graph step when the canvas has the focus', () => {
    const { send, executed, getState } = bind({ tagName: 'DIV', getAttribute: () => null });
    send('undo');
    expect(executed).toEqual([]);
    expect(getState().graph.nodes).toHaveLength(0);
  });
});
