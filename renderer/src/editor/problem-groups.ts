/**
 * Problems as the Problems list shows them: identical problems on several blocks are one entry
 * that names them all ("10 blocks lead nowhere: conv1, relu1, …"), so one disconnected Output
 * does not bury everything else; each block keeps its own marker on the canvas.
 */
import type { Diagnostic, Severity } from '../../../main/analysis/types.ts';

export interface ProblemEntry {
  severity: Severity;
  code: string;
  /** The message as the list shows it: the shared one, or the group's summary. */
  message: string;
  /** The blocks it is about, in the order the analysis reported them; empty for the whole graph. */
  nodeIds: string[];
}

/** How a few common problems read when several blocks share them. */
const SHARED: Record<string, (count: number) => string> = {
  detached: (count) => `${count} blocks lead nowhere; connect them towards the Output block or delete them`,
  unconnected: (count) => `${count} blocks have nothing connected to their input`,
  cycle: (count) => `${count} blocks form a cycle; data must flow one way, from the input to the output`,
  'multiple-inputs': (count) => `${count} extra Input blocks; only one Input block per graph is supported`,
  'multiple-outputs': (count) => `${count} extra Output blocks; only one Output block per graph is supported`,
};

/** Groups problems with the same severity, code and message; the order is that of first appearance. */
export function groupProblems(diagnostics: readonly Diagnostic[]): ProblemEntry[] {
  const entries: ProblemEntry[] = [];
  const byKey = new Map<string, ProblemEntry>();
  for (const d of diagnostics) {
    if (d.nodeId === undefined) {
      entries.push({ severity: d.severity, code: d.code, message: d.message, nodeIds: [] });
      continue;
    }
    const key = `${d.severity}\u0000${d.code}\u0000${d.message}`;
    const entry = byKey.get(key);
    if (entry) entry.nodeIds.push(d.nodeId);
    else {
      const fresh = { severity: d.severity, code: d.code, message: d.message, nodeIds: [d.nodeId] };
      byKey.set(key, fresh);
      entries.push(fresh);
    }
  }
  return entries.map((entry) =>
    entry.nodeIds.length > 1 ? { ...entry, message: SHARED[entry.code]?.(entry.nodeIds.length) ?? `${entry.nodeIds.length} blocks: ${entry.message}` } : entry,
  );
}
