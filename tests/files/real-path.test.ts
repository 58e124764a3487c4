/** Where a path really leads, links followed, also for paths that do not exist yet. */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realPathOf, UnresolvablePathError } from '../../main/files/real-path.ts';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'cnn-studio-real-')));
mkdirSync(join(root, 'inside', 'sub'), { recursive: true });
mkdirSync(join(root, 'outside'));
symlinkSync(join(root, 'outside'), join(root, 'inside', 'link'));
symlinkSync(join(root, 'nowhere'), join(root, 'inside', 'dangling'));
symlinkSync(join(root, 'inside', 'loop-b'), join(root, 'inside', 'loop-a'));
symlinkSync(join(root, 'inside', 'loop-a'), join(root, 'inside', 'loop-b'));

describe('the real path of a path', () => {
  it('follows links, in existing paths and in the existing part of new ones', async () => {
    expect(await realPathOf(join(root, 'inside', 'sub'))).toBe(join(root, 'inside', 'sub'));
    expect(await realPathOf(join(root, 'inside', 'link'))).toBe(join(root, 'outside'));
    expect(await realPathOf(join(root, 'inside', 'link', 'new', 'file.json'))).toBe(join(root, 'outside', 'new', 'file.json'));
    expect(await realPathOf(join(root, 'inside', 'sub', '..', 'link', 'x'))).toBe(join(root, 'outside', 'x'));
    expect(await realPathOf(join(root, 'inside', 'new.json'))).toBe(join(root, 'inside', 'new.json'));
  });

  it('refuses a link to nothing on the way, which would create its target wherever that is, and links in a loop', async () => {
    await expect(realPathOf(join(root, 'inside', 'dangling', 'file.json'))).rejects.toThrow(UnresolvablePathError);
    await expect(realPathOf(join(root, 'inside', 'dangling'))).rejects.toThrow(`leads through ${join(root, 'inside', 'dangling')}, a symbolic link to something that does not exist`);
    await expect(realPathOf(join(root, 'inside', 'loop-a', 'x'))).rejects.toThrow('symbolic links that loop');
    await expect(realPathOf(join(root, 'inside', 'loop-a'))).rejects.toMatchObject({ reason: 'loop' });
    await expect(realPathOf(join(root, 'inside', 'dangling'))).rejects.toMatchObject({ reason: 'dangling' });
  });
});
