/** A StudioApi for the renderer's workflows: files in a map, dialogs answered from a queue, every call recorded. */
import type { GraphDocument } from '../../main/graph/types.ts';
import type { FileKind, GraphFileInfo, OpenedGraph, StudioApi } from '../../main/api/contract.ts';
import { StudioError } from '../../main/errors.ts';

export function fakeStudioApi(options: { files?: Record<string, { graph: GraphDocument; imported?: OpenedGraph['imported'] }>; native?: boolean } = {}) {
  const files = new Map(Object.entries(options.files ?? {}));
  const saved: { path: string; graph: GraphDocument }[] = [];
  const exported: { path: string; format: string }[] = [];
  const calls: string[] = [];
  /** What the host's own file dialog answers next (desktop); the browser mode has none. */
  const nativeAnswers: (string | null)[] = [];
  const api = {
    async hostInfo() {
      return { kind: options.native ? 'desktop' : 'browser', workspace: '/ws' } as const;
    },
    async listFiles(kind: FileKind): Promise<GraphFileInfo[]> {
      calls.push(`listFiles(${kind})`);
      return [...files.keys()].map((path) => ({ path: path.replace('/ws/', ''), modified: '2025-01-01T00:00:00.000Z' }));
    },
    async chooseFile(purpose: string, kind: FileKind, suggested?: string) {
      calls.push(`chooseFile(${purpose}, ${kind}, ${suggested ?? ''})`);
      return options.native ? (nativeAnswers.shift() ?? null) : null;
    },
    async openGraph(path: string): Promise<OpenedGraph> {
      const full = path.startsWith('/') ? path : `/ws/${path}`;
      const file = files.get(full);
      if (!file) throw new StudioError(`cannot read ${full}: no such file`);
      return { path: full, graph: file.graph, imported: file.imported ?? null };
    },
    async saveGraph(path: string, graph: GraphDocument) {
      const full = path.startsWith('/') ? path : `/ws/${path}`;
      if (files.get(full)?.imported) throw new StudioError(`not saved: ${full} is a Keras model file`);
      saved.push({ path: full, graph });
      files.set(full, { graph });
      return { path: full };
    },
    async exportDesign(path: string, format: string) {
      exported.push({ path, format });
      return { path };
    },
    async recentFiles() {
      return [...saved.map((s) => s.path)].reverse();
    },
    async findBackup() {
      return null;
    },
    async loadPreset(id: string): Promise<GraphDocument> {
      return { format: 'cnn-studio/graph', version: 2, name: `Preset ${id}`, nodes: [{ id: 'input', type: 'input', params: { height: 28, width: 28, channels: 1 } }], edges: [] };
    },
  };
  return { api: api as unknown as StudioApi, saved, exported, calls, nativeAnswers, disk: files };
}
