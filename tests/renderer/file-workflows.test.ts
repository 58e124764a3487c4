/** The document's life in the shell: new through the welcome, open, save, save as, export, and the questions asked on the way. */
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../main/graph/types.ts';
import { EditorStore } from '../../renderer/src/editor/editor.svelte.ts';
import { Dialogs } from '../../renderer/src/shell/dialogs.svelte.ts';
import { FileWorkflows, fileStem, nameAfterSaving, suggestionBesideImport } from '../../renderer/src/shell/file-workflows.svelte.ts';
import { Notices } from '../../renderer/src/shell/notices.svelte.ts';
import { fakeStudioApi } from './fake-studio-api.ts';

const design = (name?: string): GraphDocument => ({
  format: 'cnn-studio/graph',
  version: 2,
  ...(name ? { name } : {}),
  nodes: [{ id: 'input', type: 'input', params: { height: 28, width: 28, channels: 1 } }],
  edges: [],
});

async function setup(options: Parameters<typeof fakeStudioApi>[0] = {}) {
  const editor = new EditorStore();
  const dialogs = new Dialogs();
  const notices = new Notices();
  const shown: string[] = [];
  const files = new FileWorkflows(editor, dialogs, notices, { fitView: () => shown.push('fit'), showDesign: () => shown.push('design') });
  const fake = fakeStudioApi(options);
  files.connect(fake.api, await fake.api.hostInfo(), [], []);
  /** Waits until the workflow shows a dialog, and returns it. */
  const nextDialog = async () => {
    for (let i = 0; i < 50 && !dialogs.current; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    return dialogs.current!;
  };
  return { editor, dialogs, notices, files, shown, nextDialog, ...fake };
}

describe('file workflows', () => {
  it('ask before discarding unsaved changes, naming the design, and keep them when told to', async () => {
    const { editor, files, dialogs, nextDialog } = await setup({ files: { '/ws/other.json': { graph: design('Other') } } });
    editor.open(design('Mine'), '/ws/mine.json');
    editor.dispatch({ type: 'setName', name: 'Mine, edited' });
    const opening = files.openRecent('/ws/other.json');
    const question = await nextDialog();
    expect(question).toMatchObject({ kind: 'choice', testid: 'discard-changes', title: 'Discard unsaved changes?' });
    expect(question.kind === 'choice' && question.message).toBe('"Mine, edited" has changes that are not saved to /ws/mine.json.');
    dialogs.dismiss();
    await opening;
    expect(editor.state.graph.name).toBe('Mine, edited');

    const again = files.openRecent('/ws/other.json');
    await nextDialog();
    dialogs.answer(true);
    await again;
    expect(editor.state.graph.name).toBe('Other');
    expect(editor.dirty).toBe(false);
  });

  it('open the welcome on New, and keep the design when it is closed', async () => {
    const { editor, files, dialogs, nextDialog, shown } = await setup();
    editor.open(design('Kept'), null);
    const closing = files.newDesign();
    expect((await nextDialog()).kind).toBe('welcome');
    dialogs.dismiss();
    await closing;
    expect(editor.state.graph.name).toBe('Kept');

    const choosing = files.newDesign();
    await nextDialog();
    dialogs.answer({ kind: 'preset', id: 'journey/round-10' });
    await choosing;
    expect(editor.state.graph.name).toBe('Preset journey/round-10');
    expect(shown).toEqual(['design', 'fit']);

    const emptying = files.newDesign();
    await nextDialog();
    dialogs.answer({ kind: 'empty' });
    await emptying;
    expect(editor.state.graph.nodes).toEqual([]);
  });

  it('name an untitled design after the file it is first saved to, and keep a name of its own', async () => {
    const { editor, files, dialogs, nextDialog, saved } = await setup();
    editor.dispatch({ type: 'add', blockType: 'input', position: { x: 0, y: 0 } });
    expect(editor.state.graph.name).toBe('Untitled');
    const saving = files.save();
    const chooser = await nextDialog();
    expect(chooser).toMatchObject({ kind: 'file', purpose: 'save', fileKind: 'graph', suggested: 'design.json' });
    dialogs.answer('my-mnist.json');
    await saving;
    expect(saved.at(-1)).toMatchObject({ path: '/ws/my-mnist.json', graph: { name: 'my-mnist' } });
    expect(editor.state.graph.name).toBe('my-mnist');
    expect(editor.dirty).toBe(false);

    editor.dispatch({ type: 'setName', name: 'Round 11' });
    const savingAs = files.saveAs();
    expect(await nextDialog()).toMatchObject({ suggested: 'round-11.json' });
    dialogs.answer('elsewhere.json');
    await savingAs;
    expect(saved.at(-1)).toMatchObject({ path: '/ws/elsewhere.json', graph: { name: 'Round 11' } });
  });

  it('never save over an imported Keras file: Save asks for a new name beside it', async () => {
    const { editor, files, dialogs, nextDialog, saved, notices } = await setup({ files: { '/ws/models/mnist.json': { graph: design('mnist'), imported: 'keras' } } });
    await files.openPath('/ws/models/mnist.json');
    expect(notices.message).toContain('Imported /ws/models/mnist.json (a Keras model file)');
    editor.dispatch({ type: 'setName', name: 'mnist' });
    const saving = files.save();
    const chooser = await nextDialog();
    // `<name>.json` would be the import itself, so the suggestion differs.
    expect(chooser).toMatchObject({ kind: 'file', purpose: 'save', suggested: 'models/mnist-studio.json' });
    dialogs.answer('models/mnist-studio.json');
    await saving;
    expect(saved.map((s) => s.path)).toEqual(['/ws/models/mnist-studio.json']);
    // Once saved as a studio graph, Save writes that file without asking.
    editor.dispatch({ type: 'setName', name: 'mnist v2' });
    await files.save();
    expect(saved.map((s) => s.path)).toEqual(['/ws/models/mnist-studio.json', '/ws/models/mnist-studio.json']);
    expect(dialogs.current).toBeNull();
  });

  it('export through a dialog for that format, listing its files, with the extension added', async () => {
    const { editor, files, dialogs, nextDialog, exported, calls } = await setup();
    editor.open(design('Round 10'), null);
    const exporting = files.exportAs('pytorch');
    expect(await nextDialog()).toMatchObject({ kind: 'file', fileKind: 'pytorch', suggested: 'round_10_pytorch.py' });
    expect(calls).toContain('listFiles(pytorch)');
    dialogs.answer('net');
    await exporting;
    expect(exported).toEqual([{ path: 'net.py', format: 'pytorch' }]);
  });

  it('use the host’s own dialog where there is one, and stop when it is cancelled', async () => {
    const { editor, files, dialogs, saved, nativeAnswers, calls } = await setup({ native: true });
    editor.open(design('Desk'), null);
    nativeAnswers.push(null);
    await files.saveAs();
    expect(dialogs.current).toBeNull();
    expect(saved).toEqual([]);
    expect(calls).toEqual(['chooseFile(save, graph, desk.json)']);
    nativeAnswers.push('/home/me/desk.json');
    await files.saveAs();
    expect(saved.map((s) => s.path)).toEqual(['/home/me/desk.json']);
  });

  it('report a file that does not open in one line, keeping the design', async () => {
    const { editor, files, notices } = await setup();
    editor.open(design('Here'), null);
    await files.openPath('/ws/missing.json');
    expect(notices.error).toBe(true);
    expect(notices.message).toBe('cannot read /ws/missing.json: no such file');
    expect(editor.state.graph.name).toBe('Here');
  });
});

describe('names and suggestions', () => {
  it('turn a design name into a file stem', () => {
    expect(fileStem('Journey round 10: Learning-rate schedule')).toBe('journey-round-10-learning-rate-schedule');
    expect(fileStem('Untitled')).toBe('design');
    expect(fileStem(undefined)).toBe('design');
  });

  it('take the file’s name only for an unnamed design', () => {
    expect(nameAfterSaving(design('Untitled'), '/ws/my-mnist.json')).toBe('my-mnist');
    expect(nameAfterSaving(design(), 'C:\\\\work\\\\net.JSON')).toBe('net');
    expect(nameAfterSaving(design('Round 10'), '/ws/my-mnist.json')).toBe('Round 10');
  });

  it('suggest a studio file beside an import, never the import', () => {
    expect(suggestionBesideImport('/ws/models/model.json', design('cnn'), '/ws')).toBe('models/cnn.json');
    expect(suggestionBesideImport('/elsewhere/cnn.json', design('cnn'), '/ws')).toBe('/elsewhere/cnn-studio.json');
  });
});
