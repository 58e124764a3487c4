/**
 * `npm run bench`: the project's speed figures, as a table or, with --json, as JSON.
 * Timings belong here rather than in tests, where a busy machine would make them flaky.
 */
import Table from 'cli-table3';
import { runAnalysisBench } from './analysis-bench.ts';

const json = process.argv.includes('--json');
const analysis = runAnalysisBench();

if (json) {
  process.stdout.write(`${JSON.stringify({ analysis }, null, 2)}\n`);
} else {
  const table = new Table({
    head: ['Graph', 'Nodes', 'Analyse median', 'Analyse p99', 'Load + validate median'],
    colAligns: ['left', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const row of analysis) {
    table.push([row.graph, row.nodes, ms(row.analyseMedianMs), ms(row.analyseP99Ms), ms(row.loadMedianMs)]);
  }
  process.stdout.write(`Graph analysis (the live counters), one call:\n${table.toString()}\n`);
}

function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}
