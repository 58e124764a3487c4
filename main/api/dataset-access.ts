/**
 * Which datasets a request from the page may open. A name arrives as text (mnist, idx:FOLDER,
 * images:FOLDER?…); it is read by the one dataset-name parser, its folder resolved against the
 * workspace and followed to its real path, and that real folder is what the loader opens, so no
 * later transformation can make it another. In the browser mode the real folder must lie in the
 * workspace. The desktop reads dataset folders anywhere: they are only read, and typed by the
 * user in the training panel (there is no folder dialog to grant them).
 */
import { resolve } from 'node:path';
import { formatDatasetName, parseDatasetName, type DatasetName } from '../data/dataset-name.ts';
import { StudioError } from '../errors.ts';
import { isInside } from './path-policy.ts';
import { realPathOf } from '../files/real-path.ts';
import { describeFsError } from '../files/fs-errors.ts';

export interface DatasetAccess {
  /** The dataset `name` names, its folder real and allowed; throws a StudioError saying why not. */
  resolve(name: string): Promise<DatasetName>;
  /** The same as a name, for settings that travel to the training process and into the run folder. */
  resolveName(name: string): Promise<string>;
}

export function datasetAccess(kind: 'desktop' | 'browser', workspace: string): DatasetAccess {
  const access: DatasetAccess = {
    async resolve(name) {
      const dataset = parseDatasetName(name);
      if (dataset.kind === 'built-in') return dataset;
      let folder: string;
      let root: string;
      try {
        [folder, root] = await Promise.all([realPathOf(resolve(workspace, dataset.folder)), realPathOf(workspace)]);
      } catch (error) {
        if (error instanceof StudioError) throw error;
        throw new StudioError(`cannot follow the dataset folder ${dataset.folder}: ${describeFsError(error)}`);
      }
      if (kind === 'browser' && !isInside(root, folder)) {
        const through = isInside(workspace, resolve(workspace, dataset.folder)) ? ' (through a symbolic link)' : '';
        throw new StudioError(`the dataset folder "${dataset.folder}" is outside the workspace ${workspace}${through}`);
      }
      return { ...dataset, folder };
    },
    async resolveName(name) {
      return formatDatasetName(await access.resolve(name));
    },
  };
  return access;
}
