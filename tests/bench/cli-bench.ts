/**
 * How long the `cnn-studio` command takes to start: wall time of a whole process, from spawn to
 * exit, run from a temporary folder outside the checkout as a user's shell would. The CLI is built
 * first (scripts/build-cli.ts), so the figures are those of the current sources. Node.js starting
 * on an empty script is measured too, as the floor no command can go under. On Linux the CPU time
 * the processes used is shown beside: unlike wall time, it hardly moves when other work shares the
 * machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../../scripts/build-cli.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/cnn-studio.js');
/** Runs per command after the warm-up runs (which fill the OS file cache); the median is reported. */
const RUNS = 15;
const WARM_UP = 2;

export interface CliBenchRow {
  /** The command as a user would type it. */
  command: string;
  /** Median wall time of one process, milliseconds. */
  medianMs: number;
  /** Fastest and slowest of the runs, milliseconds. */
  minMs: number;
  maxMs: number;
  /** Mean CPU time (user + system) of one process, milliseconds; null where /proc cannot tell. */
  cpuMs: number | null;
  runs: number;
}

export async function runCliBench(): Promise<CliBenchRow[]> {
  await buildCli(join(REPO, 'dist/cli'));
  const cwd = mkdtempSync(join(tmpdir(), 'cnn-studio-bench-cli-'));
  try {
    const roundTen = join(REPO, 'resources/journey/round-10.json');
    return [
      measure('node -e ""  (Node.js alone)', ['-e', ''], cwd),
      measure('cnn-studio --help', [BIN, '--help'], cwd),
      measure('cnn-studio summary resources/journey/round-10.json', [BIN, 'summary', roundTen], cwd),
    ];
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function measure(command: string, args: string[], cwd: string): CliBenchRow {
  const samples: number[] = [];
  let cpuBefore: number | null = null;
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    if (i === WARM_UP) cpuBefore = childrenCpuMs();
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const elapsed = performance.now() - started;
    if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${result.stderr.trim().split('\n')[0] ?? ''}`);
    if (i >= WARM_UP) samples.push(elapsed);
  }
  const cpuAfter = childrenCpuMs();
  samples.sort((a, b) => a - b);
  return {
    command,
    medianMs: samples[Math.floor(samples.length / 2)]!,
    minMs: samples[0]!,
    maxMs: samples.at(-1)!,
    cpuMs: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / RUNS,
    runs: RUNS,
  };
}

/**
 * CPU time used so far by this process's finished children, user + system, in milliseconds:
 * fields 16 and 17 (cutime, cstime) of /proc/self/stat, in clock ticks of 1/100 s (USER_HZ, which
 * Linux reports to user space as 100 whatever the kernel's own tick). Null off Linux.
 */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}
