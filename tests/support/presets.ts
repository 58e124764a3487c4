/** Loading the shipped presets in tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseGraphJson } from '../../main/graph/load.ts';
import type { GraphDocument } from '../../main/graph/types.ts';

export const RESOURCES = fileURLToPath(new URL('../../resources/', import.meta.url));

export function journeyPath(round: number): string {
  return `${RESOURCES}journey/round-${String(round).padStart(2, '0')}.json`;
}

export function loadPreset(path: string): GraphDocument {
  const result = parseGraphJson(readFileSync(path, 'utf8'));
  if (!result.ok) throw new Error(`${path} does not load: ${JSON.stringify(result.problems)}`);
  return result.graph;
}
