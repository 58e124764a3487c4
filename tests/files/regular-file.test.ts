/** Only regular files are read: FIFOs, sockets and devices are refused by their type, at once. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../../main/files/read-json-file.ts';
import { FileReadError, NotRegularFileError, readNamedFile, readRegularFile } from '../../main/files/regular-file.ts';

const folder = mkdtempSync(join(tmpdir(), 'cnn-studio-regular-'));

/** Settles with what `promise` gave, or "still waiting" after `ms` (a FIFO blocks open() for ever). */
function settle(promise: Promise<unknown>, ms = 3000): Promise<unknown> {
  return Promise.race([promise.then((value) => ({ value }), (error: Error) => error), new Promise((resolve) => setTimeout(() => resolve('still waiting'), ms))]);
}

describe('reading regular files only', () => {
  it('refuses a FIFO, and a link to one, without waiting for a writer', async () => {
    const fifo = join(folder, 'pipe');
    execFileSync('mkfifo', [fifo]);
    symlinkSync(fifo, join(folder, 'pipe-link'));
    for (const path of [fifo, join(folder, 'pipe-link')]) {
      const outcome = await settle(readRegularFile(path));
      expect(outcome).toBeInstanceOf(NotRegularFileError);
      expect((outcome as Error).message).toBe('it is a FIFO (named pipe), not a regular file');
    }
  });

  it('refuses a device and a socket, and names a folder', async () => {
    await expect(readRegularFile('/dev/zero')).rejects.toThrow('it is a character device, not a regular file');
    const socketPath = join(folder, 'socket');
    const server = createServer().listen(socketPath);
    await new Promise((resolve) => server.once('listening', resolve));
    await expect(readRegularFile(socketPath)).rejects.toThrow('it is a socket, not a regular file');
    server.close();
    mkdirSync(join(folder, 'sub'));
    await expect(readRegularFile(join(folder, 'sub'))).rejects.toThrow('it is a folder, not a file');
  });

  it('reads a regular file, and refuses one above the size given, by its size', async () => {
    writeFileSync(join(folder, 'small.json'), '{"a": 1}');
    expect((await readRegularFile(join(folder, 'small.json'))).toString()).toBe('{"a": 1}');
    writeFileSync(join(folder, 'big.bin'), Buffer.alloc(3 * 1048576));
    await expect(readRegularFile(join(folder, 'big.bin'), { maxBytes: 1048576, limitName: 'model files' })).rejects.toThrow('the file is 3 MiB; model files above 1 MiB are refused');
  });

  it('names the file in every failure of readNamedFile and readJsonFile, keeping the file system code', async () => {
    const missing = join(folder, 'missing.json');
    const error = await readNamedFile(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileReadError);
    expect(error).toMatchObject({ message: `cannot read ${missing}: no such file or folder`, code: 'ENOENT' });
    await expect(readJsonFile('/dev/zero')).rejects.toThrow('cannot read /dev/zero: it is a character device, not a regular file');
    writeFileSync(join(folder, 'nan.json'), '{"a": NaN}');
    await expect(readJsonFile(join(folder, 'nan.json'))).rejects.toThrow(`${join(folder, 'nan.json')} is not valid JSON: line 1, column 7: NaN is not a JSON value`);
  });
});

describe('a file whose size stat does not tell', () => {
  it('is read no further than the limit: files in /proc say they are empty', async () => {
    await expect(readRegularFile('/proc/self/maps', { maxBytes: 16, limitName: 'test files' })).rejects.toThrow('the file is larger than 16 bytes; test files above 16 bytes are refused');
    expect((await readRegularFile('/proc/self/maps', { maxBytes: 1048576 })).length).toBeGreaterThan(16);
  });
});
