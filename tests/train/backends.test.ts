/** The backend ladder with packages missing or broken, simulated by replacing the importer. */
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, detectBackends, loadBackend, loadFastestBackend, type PackageImporter } from '../../main/backends/ladder.ts';

const missing: PackageImporter = async (name) => {
  throw Object.assign(new Error(`Cannot find package '${name}' imported from /app/main/backends/ladder.ts`), { code: 'ERR_MODULE_NOT_FOUND' });
};
const broken: PackageImporter = async () => {
  throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions..node');
};

describe('backend detection', () => {
  it('says which native package is missing and why it may be', async () => {
    const statuses = await detectBackends({ importer: missing });
    expect(statuses.map((s) => [s.name, s.available])).toEqual([['node-gpu', false], ['node', false], ['wasm', true], ['cpu', true]]);
    expect(statuses[0]!.detail).toMatch(/^not installed: the optional package @tensorflow\/tfjs-node-gpu is missing \(its install step downloads libtensorflow/);
  });

  it('gives the first line of the loader error when a package is installed but broken', async () => {
    const [gpu] = await detectBackends({ importer: broken });
    expect(gpu!.detail).toBe('@tensorflow/tfjs-node-gpu is installed but failed to load: libtensorflow.so.2: cannot open shared object file: No such file or directory');
  });

  it('refuses a backend the user forces when it does not load, instead of falling back', async () => {
    await expect(loadBackend('node', { importer: missing })).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(loadBackend('node', { importer: missing })).rejects.toThrow('not installed: the optional package @tensorflow/tfjs-node is missing');
  });

  it('takes the fastest backend that loads when left to choose', async () => {
    const loaded = await loadFastestBackend({ importer: missing });
    expect(loaded.name).toBe('wasm');
    expect(loaded.tf.getBackend()).toBe('wasm');
  });

  it('loads a native package when it is there', async () => {
    const tf = await import('@tensorflow/tfjs');
    // Stand-in for tfjs-node: the same API, with the cpu backend registered as "tensorflow".
    if (!tf.findBackend('tensorflow')) tf.registerBackend('tensorflow', () => tf.findBackend('cpu')!, 0);
    const loaded = await loadBackend('node', { importer: async () => tf });
    expect(loaded).toMatchObject({ name: 'node', detail: 'native CPU' });
  });
});
