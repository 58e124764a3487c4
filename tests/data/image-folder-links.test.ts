/**
 * What an image folder holds besides plain images: links, special files, nested and loose
 * entries. Each is either read or listed as skipped with its reason; none vanishes silently.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadImageFolder } from '../../main/data/image-folder.ts';
import { solid, tempFolder, writePng } from './image-fixtures.ts';

const png = (path: string, grey: number) => writePng(path, 2, 2, solid(2, 2, [grey, grey, grey]));

describe('links and special files in an image folder', () => {
  it('follows links that stay inside the folder and skips, with a reason, those that do not', async () => {
    const outside = tempFolder('outside');
    png(join(outside, 'birds', 'b0.png'), 1);
    png(join(outside, 'stray.png'), 2);
    const folder = tempFolder('linked');
    for (let i = 0; i < 3; i++) png(join(folder, 'cat', `c${i}.png`), 10);
    for (let i = 0; i < 3; i++) png(join(folder, '.stash', 'dogs', `d${i}.png`), 20);
    png(join(folder, '.stash', 'extra-cat.png'), 30);
    symlinkSync(join(folder, '.stash', 'dogs'), join(folder, 'dog')); // a class folder linked from inside
    symlinkSync('../.stash/extra-cat.png', join(folder, 'cat', 'c3.png')); // an image linked from inside, relatively
    symlinkSync(join(outside, 'birds'), join(folder, 'bird')); // a class folder outside
    symlinkSync(join(outside, 'stray.png'), join(folder, 'cat', 'escape.png')); // an image outside
    symlinkSync(join(folder, 'cat', 'gone.png'), join(folder, 'cat', 'dangling.png'));
    const { dataset, skipped } = await loadImageFolder(folder, { grayscale: true });

    expect(dataset.classNames).toEqual(['cat', 'dog']);
    expect(dataset.train.count + dataset.test.count).toBe(7);
    const greys = Array.from({ length: dataset.train.count }, (_, i) => dataset.train.pixels[i * 4]);
    expect(greys).toContain(30);
    const reasons = Object.fromEntries(skipped.map((s) => [s.path.slice(folder.length + 1), s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['bird', 'cat/dangling.png', 'cat/escape.png']);
    expect(reasons.bird).toMatch(/^a symbolic link that leads outside the dataset folder .* \(to .*birds\); it is not followed$/);
    expect(reasons['cat/escape.png']).toMatch(/leads outside the dataset folder .*stray\.png\); it is not followed$/);
    expect(reasons['cat/dangling.png']).toBe('a symbolic link whose target does not exist');
  });

  it('skips a FIFO by its type without opening it, and says so', async () => {
    const folder = tempFolder('fifo');
    for (const name of ['a', 'b']) for (let i = 0; i < 2; i++) png(join(folder, name, `${i}.png`), 50);
    execFileSync('mkfifo', [join(folder, 'a', 'pipe.png')]);
    const { skipped } = await loadImageFolder(folder);
    expect(skipped).toEqual([{ path: join(folder, 'a', 'pipe.png'), reason: 'it is a FIFO (named pipe), not a regular file or folder' }]);
  });

  it('lists loose files, nested folders and folders beside train/ and test/ as skipped', async () => {
    const folder = tempFolder('stray');
    for (const split of ['train', 'test']) for (const name of ['a', 'b']) png(join(folder, split, name, '0.png'), 60);
    png(join(folder, 'val', 'a', '0.png'), 60);
    png(join(folder, 'loose.png'), 60);
    png(join(folder, 'train', 'loose.png'), 60);
    png(join(folder, 'train', 'a', 'more', '1.png'), 60);
    mkdirSync(join(folder, 'train', '.cache'));
    const { skipped } = await loadImageFolder(folder);
    expect(skipped.map((s) => [s.path.slice(folder.length + 1), s.reason])).toEqual([
      ['val', 'a folder beside train/ and test/; only those two are read'],
      ['loose.png', 'not inside train/ or test/'],
      ['train/loose.png', 'not in a class sub-folder'],
      ['train/a/more', 'a folder inside the class folder a; images must sit directly in it'],
    ]);
  });
});
