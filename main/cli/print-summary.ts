/** The summary as text: a per-layer table, totals, then diagnostics. */
import Table from 'cli-table3';
import { describeCoverage } from '../analysis/coverage.ts';
import { formatAtLeast, formatBytes, formatCount, formatPair, formatShape, formatTotal } from '../analysis/format.ts';
import { describeInitialisation, type ModelSummary } from '../analysis/summary.ts';
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
  // On a partly broken graph every total leaves the unresolved blocks out: a lower bound, marked so.
  const known = { unresolved: summary.unresolved };
  const totals: [string, string][] = [
    ['Trainable params', formatTotal(summary.params.trainable, known)],
    ['Non-trainable params', formatAtLeast(summary.params.nonTrainable, known)],
    ['Total params', formatAtLeast(summary.params.total, known)],
    ['MACs per sample', formatAtLeast(summary.macs, known)],
    ['Output receptive field', summary.receptiveField ? `${formatPair(summary.receptiveField)}${summary.coverage ? ` (${describeCoverage(summary.coverage)})` : ''}` : 'unknown'],
    ['Activations per sample', formatAtLeast(summary.activationBytes, known, formatBytes)],
    ['Initialisation', describeInitialisation(summary.initialisation)],
  ];
  if (summary.partial) totals.push(['Unresolved blocks', summary.unresolved.join(', ')]);
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
