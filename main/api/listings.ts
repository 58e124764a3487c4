/**
 * What the page lists: the presets that ship with the studio and the files of a kind (graphs, or
 * exports of one format) in the workspace. A bad entry (a link to nothing, a FIFO named like a graph, a preset that no longer
 * loads) never empties a list: it is listed as skipped, with the reason, and the others show.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeGraph } from '../analysis/analyze.ts';
import { StudioError } from '../errors.ts';
import { describeFsError } from '../files/fs-errors.ts';
import { readGraphFile } from '../files/read-graph-file.ts';
import { realPathOf, UnresolvablePathError } from '../files/real-path.ts';
import { describeFileType } from '../files/regular-file.ts';
import type { GraphFileInfo, PresetInfo } from './contract.ts';
import { isInside } from './path-policy.ts';

const PRESET_FOLDERS = { journey: 'journey', presets: 'classic' } as const;

/** The presets by group and file name; one that does not load is listed as skipped, with why. */
export async function listPresets(resourcesDir: string): Promise<PresetInfo[]> {
  const presets: PresetInfo[] = [];
  for (const [folder, group] of Object.entries(PRESET_FOLDERS)) {
    let files: string[];
    try {
      files = (await readdir(join(resourcesDir, folder))).filter((name) => name.endsWith('.json')).sort();
    } catch (error) {
      presets.push({ id: folder, group, name: folder, description: '', trainableParams: 0, macs: 0, layers: [], skipped: `the preset folder ${join(resourcesDir, folder)} cannot be read: ${describeFsError(error)}` });
      continue;
    }
    for (const file of files) {
      const id = `${folder}/${file.replace(/\.json$/, '')}`;
      const read = await readGraphFile(join(resourcesDir, folder, file));
      if (!read.ok) {
        presets.push({ id, group, name: file, description: '', trainableParams: 0, macs: 0, layers: [], skipped: read.problems[0]! });
        continue;
      }
      const analysis = analyzeGraph(read.graph);
      presets.push({
        id,
        group,
        name: read.graph.name ?? file,
        description: read.graph.description ?? '',
        trainableParams: analysis.totals.params.trainable,
        macs: analysis.totals.macs,
        layers: read.graph.nodes.map((node) => node.type),
      });
    }
  }
  return presets;
}

/**
 * The files with `extension` (`.json` for graphs, `.py` for code exports) in the workspace (not
 * in its sub-folders), newest first, then the skipped ones by name: links to nothing, links that
 * lead outside the workspace, and anything that is not a regular file. A missing workspace lists
 * nothing.
 */
export async function listFiles(workspace: string, extension: string): Promise<GraphFileInfo[]> {
  let names: string[];
  try {
    names = await readdir(workspace);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new StudioError(`cannot list the workspace ${workspace}: ${describeFsError(error)}`);
  }
  const root = await realPathOf(workspace);
  const files = await Promise.all(names.filter((name) => name.endsWith(extension) && !name.startsWith('.')).map((name) => fileEntry(workspace, root, name, extension)));
  const listed = files.filter((file) => file.skipped === undefined).sort((a, b) => b.modified!.localeCompare(a.modified!));
  const skipped = files.filter((file) => file.skipped !== undefined).sort((a, b) => a.path.localeCompare(b.path));
  return [...listed, ...skipped];
}

async function fileEntry(workspace: string, root: string, name: string, extension: string): Promise<GraphFileInfo> {
  const skip = (reason: string): GraphFileInfo => ({ path: name, modified: null, skipped: reason });
  try {
    const real = await realPathOf(join(workspace, name));
    if (!isInside(root, real)) return skip('a symbolic link that leads outside the workspace');
    const info = await stat(real);
    return info.isFile() ? { path: name, modified: info.mtime.toISOString() } : skip(`${describeFileType(info)}, not a ${extension === '.json' ? 'graph' : extension} file`);
  } catch (error) {
    if (error instanceof UnresolvablePathError) return skip(error.reason === 'loop' ? 'a symbolic link in a loop of links' : 'a symbolic link to something that does not exist');
    return skip(describeFsError(error));
  }
}
