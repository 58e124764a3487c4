/**
 * The Python the tests run: Debian's /usr/bin/python3, which has python3-torch, python3-numpy and
 * python3-onnx (the pyenv `python3` on PATH has none of them), or wherever PYTHON_WITH_TORCH points.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.PYTHON_WITH_TORCH ?? '/usr/bin/python3';

/** Whether the interpreter has every module named, checked without importing them (torch takes 1-2 s). */
export function hasPythonModules(...modules: string[]): boolean {
  const check = `import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`;
  return spawnSync(PYTHON, ['-c', check], { stdio: 'ignore' }).status === 0;
}

/** CI runs every check (.ci/run sets CI=true); a developer machine without the modules skips them. */
export const PYTHON_REQUIRED = process.env.CI === 'true' || process.env.CI === '1';
