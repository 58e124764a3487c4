/** What the studio knows of a run, as plain data shared with the user interface. */

/** Where a run trained (runs/environment.ts measures it). */
export interface RunEnvironment {
  /** package.json's version. */
  studio: string;
  /** The git commit built or run from, "-dirty" when the checkout had changes; null when unknown. */
  commit: string | null;
  /** process.version, e.g. "v20.20.0". */
  node: string;
  backend: string;
  /** What the backend says of itself: "SIMD, 1 thread" for wasm, "native CPU", "CUDA GPU". */
  backendDetail: string;
  /** The first CPU's model name, as the operating system reports it. */
  cpu: string;
  cores: number;
  /** "linux 6.1.0 x64". */
  os: string;
}

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
  /**
   * Epochs the run is to reach: the settings' epochs, or what a resume asked for. Absent from
   * older run folders (their settings' epochs).
   */
  epochsPlanned?: number;
  /**
   * The best epoch: chosen on validation accuracy (`selectedBy` "validation"), or on test
   * accuracy for a run without a validation split and in run folders older than the split.
   * `bestTestAccuracy` is that epoch's test accuracy, not the highest test accuracy of the run.
   */
  bestTestAccuracy: number | null;
  bestEpoch: number | null;
  bestValidationAccuracy?: number | null;
  selectedBy?: 'validation' | 'test';
  /** Seconds of training, over every session of a resumed run. */
  seconds: number | null;
  error: string | null;
  /** Where it trained (studio version and commit, Node.js, backend, CPU); absent from older run folders. */
  environment?: RunEnvironment;
  /** Each time the run was resumed: when, after which epoch, and where it trained then. */
  resumes?: { at: string; afterEpoch: number; environment: RunEnvironment }[];
  /** For a resumed run: its seconds of training before this session, and when this session started. */
  secondsBefore?: number;
  sessionStartedAt?: string;
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
  /** Epochs asked for (a resume may raise them); null when the run's settings are unreadable. */
  plannedEpochs: number | null;
  /** What it trained on (`mnist`, `idx:…`, `images:…`), and how many training images it was limited to (null: all). */
  dataset: string | null;
  limit: number | null;
  /**
   * The best epoch, and what chose it: validation accuracy, or test accuracy for a run without a
   * validation split (and for runs older than the split). Null before the first epoch ends.
   */
  bestEpoch: number | null;
  selectedBy: 'validation' | 'test' | null;
  /** The best epoch's accuracies: on the validation split (null without one), on the test set. */
  bestValidationAccuracy: number | null;
  bestTestAccuracy: number | null;
  /**
   * The best epoch's train accuracy: from the clean pass (`trainMeasured` "clean": no dropout, no
   * augmentation), or, for runs older than that pass, the running mean measured while dropout and
   * augmentation acted ("while training"), which reads low.
   */
  bestTrainAccuracy: number | null;
  trainMeasured: 'clean' | 'while training' | null;
  /** Train minus validation accuracy at the best epoch (minus test accuracy without a split): the over-fitting gap. */
  gap: number | null;
  /** Whether `cnn-studio train --resume` (and Resume in the runs view) can continue it. */
  resumable: boolean;
  seconds: number | null;
  /** Where a run trained outside the studio ran; null for the studio's own runs. */
  ranOn: RanOn | null;
  /** Which models the run saved; `missing` says why one is not there (saved-models.ts). */
  models: { best: boolean; last: boolean; missing: string | null };
}
