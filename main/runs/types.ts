/** What the studio knows of a run, as plain data shared with the user interface. */

/**
 * `interrupted`: the program that started the run stopped while it trained (the app or CLI was
 * killed or crashed, the machine went down); its finished epochs are kept.
 * `diverged`: the loss became NaN or infinite, and the run stopped there (train/divergence.ts).
 */
export type RunStatus = 'running' | 'finished' | 'diverged' | 'failed' | 'cancelled' | 'interrupted';

/** run.json: a run's status and headline results, rewritten as the run goes. */
export interface RunRecord {
  status: RunStatus;
  name: string;
  startedAt: string;
  endedAt: string | null;
  backend: string;
  /** Threads it trained on (data-parallel replicas); its numbers repeat for the same seed and thread count. Absent from older run folders. */
  threads?: number;
  params: { trainable: number; nonTrainable: number };
  epochsDone: number;
  bestTestAccuracy: number | null;
  bestEpoch: number | null;
  seconds: number | null;
  error: string | null;
  /** The user's own words about this run. */
  note?: string;
  /**
   * The training process and the machine it runs on, so that a run still marked running whose
   * process is gone reads as interrupted (run-liveness.ts). Absent from older run folders.
   */
  pid?: number;
  host?: string;
  /**
   * The ONNX model training started from (fine-tuning), as it was named; a copy is kept in
   * models/initial/model.onnx. Absent for a run from the studio's own initialisation.
   */
  initialWeights?: string;
  /** Where a run trained outside the studio ran (the exported PyTorch training script); absent for the studio's own. */
  ranOn?: RanOn;
}

/** The machine and processes a run outside the studio used. */
export interface RanOn {
  /** "PyTorch 2.4.0". */
  framework: string;
  /** The host of process 0. */
  host: string;
  /** "cpu", or "cuda (NVIDIA A100-SXM4-80GB)". */
  device: string;
  /** Processes that trained together (torchrun's WORLD_SIZE). */
  worldSize: number;
}

/** One row of the runs table. */
export interface RunSummary {
  /** The folder's name, unique within the runs folder. */
  id: string;
  dir: string;
  name: string;
  note: string;
  status: RunStatus;
  /** Why a failed or interrupted run ended, as run.json records it; null otherwise. */
  error: string | null;
  startedAt: string;
  backend: string;
  /** Threads it trained on; null for runs recorded before threads were. */
  threads: number | null;
  trainableParams: number;
  macs: number;
  /** Epochs finished. */
  epochs: number;
  /** Epochs asked for; null when the run's settings are unreadable. */
  plannedEpochs: number | null;
  /** What it trained on (`mnist`, `idx:…`, `images:…`), and how many training images it was limited to (null: all). */
  dataset: string | null;
  limit: number | null;
  bestTrainAccuracy: number | null;
  bestTestAccuracy: number | null;
  /** Best train accuracy minus best test accuracy, as the journey compares rounds. */
  gap: number | null;
  bestEpoch: number | null;
  seconds: number | null;
  /** Where a run trained outside the studio ran; null for the studio's own runs. */
  ranOn: RanOn | null;
  /** Which models the run saved; `missing` says why one is not there (saved-models.ts). */
  models: { best: boolean; last: boolean; missing: string | null };
}
