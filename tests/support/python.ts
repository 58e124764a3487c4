/**
 * The Python the tests run (real-pytorch.ts chooses it: Debian's /usr/bin/python3, with
 * python3-torch, python3-numpy and python3-onnx), and whether it has a given set of modules.
 */
import { spawnSync } from 'node:child_process';
import { PYTHON, TORCH_REQUIRED } from './real-pytorch.ts';

export { PYTHON };

/** Whether the interpreter has every module named, checked without importing them (torch takes 1-2 s). */
export function hasPythonModules(...modules: string[]): boolean {
  const check = `import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`;
  return spawnSync(PYTHON, ['-c', check], { stdio: 'ignore' }).status === 0;
}

/** CI runs every check (.ci/run sets CI=true); a developer machine without the modules skips them. */
export const PYTHON_REQUIRED = TORCH_REQUIRED;
