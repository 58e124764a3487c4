/** The summary as text: a per-layer table, totals, then diagnostics. */
import Table from 'cli-table3';
import { formatBytes, formatCount, formatPair, formatShape } from '../analysis/format.ts';
import type { ModelSummary } from '../analysis/summary.ts';
import type { Diagnostic } from '../analysis/types.ts';

export function renderSummary(summary: ModelSummary): string {
  const table = new Table({
    head: ['Layer', 'Type', 'Settings', 'Output shape', 'Trainable', 'Share', 'Non-trainable', 'Receptive field', 'MACs'],
    colAligns: ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  for (const layer of summary.layers) {
    const known = layer.outputShape !== null;
    table.push([
      layer.name,
      layer.title,
      layer.settings,
      known ? formatShape(layer.outputShape!) : '?',
      known ? formatCount(layer.params.trainable) : '?',
      layer.paramShare > 0 ? `${(layer.paramShare * 100).toFixed(1)} %` : '',
      layer.params.nonTrainable > 0 ? formatCount(layer.params.nonTrainable) : '',
      layer.receptiveField ? formatPair(layer.receptiveField) : '?',
      layer.macs > 0 ? formatCount(layer.macs) : '',
    ]);
  }
  const totals: [string, string][] = [
    ['Trainable params', formatCount(summary.params.trainable)],
    ['Non-trainable params', formatCount(summary.params.nonTrainable)],
    ['Total params', formatCount(summary.params.total)],
    ['MACs per sample', formatCount(summary.macs)],
    ['Output receptive field', `${summary.receptiveField ? formatPair(summary.receptiveField) : 'unknown'}${coverage(summary)}`],
    ['Activations per sample', formatBytes(summary.activationBytes)],
  ];
  const width = Math.max(...totals.map(([label]) => label.length)) + 2;
  const lines = [
    summary.name ? `Model: ${summary.name}` : 'Model',
    table.toString(),
    ...totals.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
  ];
  if (summary.diagnostics.length > 0) {
    lines.push('', `${summary.diagnostics.length} problem${summary.diagnostics.length === 1 ? '' : 's'}:`);
    lines.push(...summary.diagnostics.map(formatDiagnostic));
  }
  return lines.join('\n');
}

export function formatDiagnostic(d: Diagnostic): string {
  return `  ${d.severity}  ${d.nodeId ? `${d.nodeId}: ` : ''}${d.message}`;
}

/** Says whether the output sees the whole input image. */
function coverage(summary: ModelSummary): string {
  const field = summary.receptiveField;
  const input = summary.inputShape;
  if (!field || !input || input.length !== 3) return '';
  const covers = field[0] >= input[0]! && field[1] >= input[1]!;
  return covers ? ' (covers the whole input)' : ` (the input is ${formatPair([input[0]!, input[1]!])})`;
}
