/**
 * A self-contained PyTorch training script (train.py) that trains a design the way the studio
 * does, for machines the studio does not run on: a GPU, several GPUs or machines with torchrun.
 * It needs PyTorch and NumPy only. The script is assembled from one Python section per concern,
 * each in its own module here (data, validation split, augmentation, initialisation, optimizer, schedule,
 * processes, run folder, loop), around the design's PyTorch module (pytorch.ts) and its settings,
 * which it embeds as JSON: a new training setting is read in the section it concerns.
 */
import type { GraphAnalysis } from '../../analysis/types.ts';
import type { TrainingSettings } from '../../graph/training-settings.ts';
import type { GraphDocument } from '../../graph/types.ts';
import { planExport } from '../export-plan.ts';
import { grouped, oneLine } from '../python-names.ts';
import { exportPyTorch } from '../pytorch.ts';
import { AUGMENT_PY } from './augment-py.ts';
import { DATA_PY } from './data-py.ts';
import { DISTRIBUTED_PY } from './distributed-py.ts';
import { INIT_PY } from './init-py.ts';
import { LOOP_PY } from './loop-py.ts';
import { OPTIMIZER_PY } from './optimizer-py.ts';
import { RUN_FOLDER_PY } from './run-folder-py.ts';
import { SCHEDULE_PY } from './schedule-py.ts';
import { VALIDATION_PY } from './validation-py.ts';

/** What the script must know of the dataset that it cannot find out from the files. */
export interface TrainingDataset {
  /** The dataset as the studio names it (settings.dataset), and in words for the docstring. */
  description: string;
  /** Fixed statistics (MNIST's published ones); null: computed from the training pixels, as the studio does. */
  normalization: { mean: number; std: number } | null;
  /** Where the exported data went, relative to the script's folder, when the export copied it. */
  copiedTo?: string;
}

export interface TrainingScriptOptions {
  graph: GraphDocument;
  settings: TrainingSettings;
  dataset: TrainingDataset;
  analysis?: GraphAnalysis;
}

/** The train.py source; throws GraphNotExportableError for a design the analysis rejects. */
export function exportTrainingScript(options: TrainingScriptOptions): string {
  const { graph, settings, dataset } = options;
  const plan = planExport(graph, options.analysis, { target: 'a PyTorch training script' });
  const module = exportPyTorch(graph, plan.analysis);
  const className = /^class (\w+)\(nn\.Module\):$/m.exec(module)![1]!;
  const input = graph.nodes.find((n) => n.type === 'input')!;
  const output = graph.nodes.find((n) => n.type === 'output')!;
  const softmax = output.type === 'output' && output.params.activation === 'softmax';
  const { trainable, nonTrainable } = plan.analysis.totals.params;
  const data = dataset.copiedTo ?? 'DATA_FOLDER';
  const usage = [
    'Run it:',
    `  python train.py --data ${data}                    # one process, on CUDA when PyTorch sees a GPU`,
    `  torchrun --nproc_per_node=4 train.py --data ${data} # four processes (GPUs), DistributedDataParallel`,
    `  torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py --data ${data}`,
    '',
    'Each run writes a run folder under --out (default: runs) in CNN Studio\'s format; copy it into',
    "the studio's runs folder to see, compare and evaluate it beside the runs trained there.",
  ];

  return [
    '#!/usr/bin/env python3',
    `"""${oneLine(graph.name || 'A CNN Studio design')}: the studio's training, in PyTorch.`,
    '',
    `Exported from CNN Studio: the design (${grouped(trainable)} trainable parameters) and its training settings, for`,
    'machines the studio does not run on. It trains as the studio does: the same data',
    `(${dataset.description}) and validation split, normalisation, augmentation, initialisation,`,
    'optimizer and weight decay, loss and label smoothing, learning-rate schedule and warm-up, epochs',
    'and seed, and the best epoch chosen as the studio chooses it (the random numbers themselves',
    'differ). Needs PyTorch and NumPy only.',
    '',
    ...usage,
    '"""',
    'import argparse',
    'import datetime',
    'import gzip',
    'import json',
    'import math',
    'import os',
    'import re',
    'import signal',
    'import socket',
    'import sys',
    'import time',
    'import warnings',
    'from pathlib import Path',
    '',
    'import numpy as np',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `USAGE = ${pyTripleQuoted(usage.join('\n'))}`,
    '',
    '# ── the design and its training settings, as the studio has them ─────────────',
    '',
    `GRAPH = json.loads(${pyTripleQuoted(listJson(graph))})`,
    `SETTINGS = json.loads(${pyTripleQuoted(JSON.stringify(settings, null, 2))})`,
    `DATASET = json.loads(${pyTripleQuoted(JSON.stringify({ name: settings.dataset, normalization: dataset.normalization }))})`,
    `PARAMS = {"trainable": ${trainable}, "nonTrainable": ${nonTrainable}}`,
    `INPUT_NAME, OUTPUT_NAME = ${JSON.stringify(input.id)}, ${JSON.stringify(output.id)}`,
    `# The Output block's softmax: the model returns log-probabilities (else logits).`,
    `SOFTMAX = ${softmax ? 'True' : 'False'}`,
    '',
    '# ── the model ────────────────────────────────────────────────────────────────',
    '',
    moduleBody(module),
    `Model = ${className}`,
    DATA_PY,
    VALIDATION_PY,
    AUGMENT_PY,
    INIT_PY,
    OPTIMIZER_PY,
    SCHEDULE_PY,
    DISTRIBUTED_PY,
    RUN_FOLDER_PY,
    LOOP_PY,
  ]
    .join('\n')
    .replace(/\n{3,}(?=# ──)/g, '\n\n\n');
}

/** The exported module from its constants to the end of its class: no docstring, imports or self-test. */
function moduleBody(source: string): string {
  const start = source.indexOf('EXPECTED_TRAINABLE_PARAMS =');
  const end = source.indexOf('\nif __name__ == "__main__":');
  return source.slice(start, end).trimEnd() + '\n\n';
}

/**
 * A Python raw triple-quoted string holding `text`. JSON text can hold neither `"""` (its quotes
 * are escaped) nor a trailing backslash, so a raw string keeps it exactly.
 */
function pyTripleQuoted(text: string): string {
  if (text.includes('"""') || text.endsWith('\\')) return JSON.stringify(text);
  return `r"""${text}"""`;
}

/** JSON with each top-level field on its own line, and each element of a top-level array (a block, an edge). */
function listJson(value: object): string {
  const fields = Object.entries(value).map(([key, field]) => {
    const text = Array.isArray(field) && field.length > 0 ? `[\n    ${field.map((item) => JSON.stringify(item)).join(',\n    ')}\n  ]` : JSON.stringify(field);
    return `  ${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${fields.join(',\n')}\n}`;
}
