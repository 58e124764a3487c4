/**
 * The one API between the user interface and the engine, written once. The desktop app carries it
 * over Electron IPC (preload → main process), the browser mode over a WebSocket; the renderer
 * sees the same interface either way. Calls return Promises; events arrive through `on…`
 * listeners, which return a function that removes them. Every argument is checked against
 * `schemas.ts` where it arrives.
 */
import type { BackendName, BackendStatus } from '../backends/types.ts';
import type { BlockType, GraphDocument } from '../graph/types.ts';
import type { TrainingSettingsInput } from '../graph/training-settings.ts';
import type { DatasetSummary } from '../data/inspect.ts';
import type { Evaluation, FeatureMaps } from '../evaluate/types.ts';
import type { RunSummary } from '../runs/types.ts';
import type { EpochEvent, TrainingEvent } from '../train/events.ts';

export interface PresetInfo {
  /** e.g. "journey/round-10", "presets/lenet-5". */
  id: string;
  group: 'journey' | 'classic';
  name: string;
  description: string;
  trainableParams: number;
  /** Multiply-accumulates per image. */
  macs: number;
  /** The design's block types in order, for the gallery's thumbnail (empty for a skipped preset). */
  layers: BlockType[];
  /** Why the preset cannot be opened (its file does not load); absent for one that can. */
  skipped?: string;
}

export interface HostInfo {
  /** Where the engine runs: the desktop app, or the browser-mode server. */
  kind: 'desktop' | 'browser';
  /** Folder that relative paths and the file list refer to. */
  workspace: string;
  /** Cores the engine may use: the threads a run trains on unless told otherwise. */
  cores: number;
}

export interface OpenedGraph {
  path: string;
  graph: GraphDocument;
  /**
   * The format the design was imported from (a Keras, TensorFlow.js or ONNX model file); null for a
   * CNN Studio graph. A save never writes over an imported file: the studio asks for a new name.
   */
  imported: 'keras' | 'tfjs' | 'onnx' | null;
  /**
   * For an ONNX model: its weights, which training can start from (TrainingStart.initialWeights
   * = `path`), or why they cannot; absent for other files.
   */
  importedWeights?: { count: number; problem: string | null } | null;
}

/** The unsaved design an earlier session left in the recovery file. */
export interface RecoveryDraft {
  graph: GraphDocument;
  /** The file it was opened from or last saved to; null for a design never saved. */
  path: string | null;
  savedAt: string;
}

/** The previous version of a graph file, kept beside it by every save. */
export interface BackupInfo {
  path: string;
  modified: string;
}

/** A backup opened in place of its damaged file: saving writes `path`, the file it backs up. */
export interface OpenedBackup extends BackupInfo {
  /** The graph file this is the backup of. */
  original: string;
  graph: GraphDocument;
}

export interface GraphFileInfo {
  /** The file's name, relative to the workspace. */
  path: string;
  /** When it was last written; null for a skipped entry. */
  modified: string | null;
  /**
   * Why the entry is listed but cannot be opened: a symbolic link to nothing or out of the
   * workspace, a FIFO or folder named like a graph file. Absent for a file that can be opened.
   */
  skipped?: string;
}

/** An entry of a folder that a listing left out, and why. */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** The runs of the project, and the entries of the runs folder that are not runs that can be read. */
export interface RunListing {
  runs: RunSummary[];
  skipped: SkippedEntry[];
}

export interface TrainingStart {
  graph: GraphDocument;
  settings: TrainingSettingsInput;
  backend: BackendName | 'auto';
  /** An ONNX model whose weights the run starts from (fine-tuning), matched to the blocks by name. */
  initialWeights?: string;
  /** Threads to train on (wasm and cpu); absent: one per core. */
  threads?: number;
}

/** Carrying on a stopped or finished run from its checkpoint, with its own graph and settings. */
export interface TrainingResume {
  /** The run's folder name, as listRuns gives it. */
  runId: string;
  /** Epochs to reach in all; default the epochs it was to reach (a finished run needs more). */
  epochs?: number;
  backend: BackendName | 'auto';
  /** Threads to train on; absent: those it trained on (the same seed and thread count repeat a run exactly). */
  threads?: number;
}

/** A design's exports: code, architecture JSON, ONNX with the initial weights, and the PyTorch training script. */
export const EXPORT_FORMATS = ['pytorch', 'keras', 'keras-json', 'onnx', 'pytorch-train'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What a file dialog is for: a graph file, or one of the export formats. */
export type FileKind = 'graph' | ExportFormat;
export const FILE_KINDS = ['graph', ...EXPORT_FORMATS] as const satisfies readonly FileKind[];

/** How dialogs name each kind of file, and the extension its files have. */
export const FILE_KIND_INFO: Record<FileKind, { name: string; extension: string }> = {
  graph: { name: 'CNN Studio graph', extension: '.json' },
  pytorch: { name: 'PyTorch', extension: '.py' },
  keras: { name: 'Keras', extension: '.py' },
  'keras-json': { name: 'Keras JSON', extension: '.json' },
  onnx: { name: 'ONNX', extension: '.onnx' },
  'pytorch-train': { name: 'a PyTorch training script', extension: '.py' },
};

/** What Open reads: graphs, Keras and TensorFlow.js models (all JSON), and ONNX models. */
export const OPENED_EXTENSIONS = ['.json', '.onnx'] as const;

/** A run's trained model: TensorFlow.js (a folder), ONNX (a file), PyTorch with its weights (a folder). */
export const RUN_EXPORT_FORMATS = ['tfjs', 'onnx', 'pytorch'] as const;
export type RunExportFormat = (typeof RUN_EXPORT_FORMATS)[number];

/** A file dialog's title: "Open a graph", "Save the graph as", "Export as PyTorch". */
export function fileDialogTitle(purpose: 'open' | 'save', kind: FileKind): string {
  if (kind !== 'graph') return `Export as ${FILE_KIND_INFO[kind].name}`;
  return purpose === 'open' ? 'Open a graph' : 'Save the graph as';
}

export interface RunDetails {
  summary: RunSummary;
  epochs: EpochEvent[];
  /** The graph as it was trained, with the settings the run used as its training section. */
  graph: GraphDocument;
}

/** What a dataset holds, for the preview before training: counts, sample images, skipped files. */
export interface DatasetPreview extends DatasetSummary {
  skipped: SkippedEntry[];
}

export interface StudioApi {
  hostInfo(): Promise<HostInfo>;
  listPresets(): Promise<PresetInfo[]>;
  loadPreset(id: string): Promise<GraphDocument>;
  /** The workspace's files of a kind (by its extension), newest first, then the entries skipped, with why. */
  listFiles(kind: FileKind): Promise<GraphFileInfo[]>;
  /** Asks the user for a file with the host's own dialog; null when cancelled or when the host has none. */
  chooseFile(purpose: 'open' | 'save', kind: FileKind, suggestedName?: string): Promise<string | null>;
  openGraph(path: string): Promise<OpenedGraph>;
  saveGraph(path: string, graph: GraphDocument): Promise<{ path: string }>;
  recentFiles(): Promise<string[]>;
  /** The backup of a graph file (its previous save), or null when there is none. */
  findBackup(path: string): Promise<BackupInfo | null>;
  /** Loads the backup of a graph file that no longer opens. */
  openBackup(path: string): Promise<OpenedBackup>;
  /** Keeps the editor's unsaved design in the recovery file (called every few seconds while dirty). */
  saveRecovery(graph: GraphDocument, path: string | null): Promise<void>;
  /** The unsaved design a crashed or killed session left behind, or null. */
  readRecovery(): Promise<RecoveryDraft | null>;
  /** Forgets the recovery file: the design was saved or deliberately discarded. */
  clearRecovery(): Promise<void>;
  listBackends(): Promise<BackendStatus[]>;
  /** Loads a dataset by name (mnist, idx:FOLDER, images:FOLDER?size=HxW&grayscale=1) and describes it. */
  previewDataset(name: string): Promise<DatasetPreview>;
  startTraining(request: TrainingStart): Promise<{ runId: string }>;
  /** Resumes a run from its checkpoint; its events come as a new training's, under the runId returned. */
  resumeTraining(request: TrainingResume): Promise<{ runId: string }>;
  stopTraining(runId: string): Promise<void>;
  /**
   * The runs this engine is training now, by the runId startTraining gave. A page that lost its
   * connection asks after reconnecting: a run not listed was stopped (the server that ran it
   * stopped too) and reads as interrupted.
   */
  activeRuns(): Promise<string[]>;
  /** The project's runs, newest first, and the entries of the runs folder that could not be read as runs. */
  listRuns(): Promise<RunListing>;
  runDetails(id: string): Promise<RunDetails>;
  renameRun(id: string, name: string): Promise<void>;
  setRunNote(id: string, note: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** A run's saved model on its test split: confusion matrix, per-class accuracy, worst mistakes. */
  evaluateRun(id: string, model: 'best' | 'last'): Promise<Evaluation>;
  /** What every convolution of a run's best model makes of one test image. */
  featureMaps(id: string, index: number): Promise<FeatureMaps>;
  /** Writes the design as PyTorch code, Keras code, Keras JSON, ONNX (initial weights) or a PyTorch training script. */
  exportDesign(path: string, format: ExportFormat, graph: GraphDocument): Promise<{ path: string }>;
  /**
   * Exports a run's best trained model: TensorFlow.js (the default) or PyTorch with its weights
   * into the folder `path`, or ONNX into the file `path`.
   */
  exportRunModel(id: string, path: string, format?: RunExportFormat): Promise<{ files: string[] }>;
  onTrainingEvent(listener: (runId: string, event: TrainingEvent) => void): () => void;
  /**
   * Whether the engine can be reached: `lost` when the browser mode's server went away (the page
   * keeps trying to reconnect), `connected` once it is back. The desktop app's engine lives in
   * the app itself and is never lost.
   */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Commands from the desktop app's menu (action names); the browser mode has no menu and never sends them. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

export type ConnectionState = 'connected' | 'lost';
/**
 * What the desktop app's menu sends: the names of the renderer's actions (renderer/src/actions),
 * which run them exactly as a toolbar button or a shortcut would.
 */
export const MENU_COMMANDS = [
  'new',
  'open',
  'save',
  'saveAs',
  'exportPytorch',
  'exportKeras',
  'exportKerasJson',
  'exportOnnx',
  'exportPytorchTrain',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'duplicate',
  'delete',
  'deleteOnly',
  'selectAll',
  'renameBlock',
  'group',
  'ungroup',
  'quickAdd',
  'autoLayout',
  'zoomToFit',
  'showDesign',
  'showTrain',
  'showRuns',
  'togglePalette',
  'toggleSidePanel',
  'toggleMinimap',
] as const;
/**
 * Menu commands a focused text field does itself (its own undo, clipboard and selection): when
 * one comes from a key the page left to the field, the menu runs Electron's edit command on the
 * page instead of sending it.
 */
export const TEXT_EDIT_COMMANDS = ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'delete'] as const satisfies readonly MenuCommand[];
export type TextEditCommand = (typeof TEXT_EDIT_COMMANDS)[number];
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** The calls, without the event subscriptions: what a transport carries as request and response. */
export type StudioCalls = Omit<StudioApi, 'onTrainingEvent' | 'onMenuCommand' | 'onConnection'>;
export type CallName = keyof StudioCalls;

export const CALL_NAMES = [
  'hostInfo',
  'listPresets',
  'loadPreset',
  'listFiles',
  'chooseFile',
  'openGraph',
  'saveGraph',
  'recentFiles',
  'findBackup',
  'openBackup',
  'saveRecovery',
  'readRecovery',
  'clearRecovery',
  'listBackends',
  'previewDataset',
  'startTraining',
  'resumeTraining',
  'stopTraining',
  'activeRuns',
  'listRuns',
  'runDetails',
  'renameRun',
  'setRunNote',
  'deleteRun',
  'evaluateRun',
  'featureMaps',
  'exportDesign',
  'exportRunModel',
] as const satisfies readonly CallName[];
