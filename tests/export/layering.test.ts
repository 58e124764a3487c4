/** The exporters run in the renderer too: no Node.js modules, and TensorFlow.js only as types. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FOLDER = fileURLToPath(new URL('../../main/export/', import.meta.url));
// Sub-folders too: the training script's sections are in main/export/training.
const files = readdirSync(FOLDER, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function imports(file: string): Import[] {
  const text = readFileSync(`${FOLDER}${file}`, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({ file, specifier: m[2]!, typeOnly: m[1] !== undefined }));
}

describe('main/export', () => {
  it('has the expected modules, each with a doc comment at the top', () => {
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'pytorch.ts', 'keras-python.ts', 'keras-json.ts', 'onnx.ts', 'training/script.ts']));
    for (const name of files) expect(readFileSync(`${FOLDER}${name}`, 'utf8').startsWith('/**'), name).toBe(true);
  });

  it('imports no Node.js module and TensorFlow.js for its types only', () => {
    const all = files.flatMap(imports);
    expect(all.length).toBeGreaterThan(10);
    // The project's own modules (which keep to the same rule) and TensorFlow.js types; nothing else.
    expect(all.filter((i) => !i.specifier.startsWith('.') && !i.specifier.startsWith('@tensorflow/'))).toEqual([]);
    expect(all.filter((i) => i.specifier.startsWith('@tensorflow/') && !i.typeOnly)).toEqual([]);
  });
});
