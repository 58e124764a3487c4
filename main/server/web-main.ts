/**
 * `npm run web`: the studio in a browser. Serves the built renderer and the engine on loopback,
 * with a fresh random token in the URL it prints (and opens, where a browser can be found).
 *
 *   npm run web -- [--port 5180] [--host 127.0.0.1] [--workspace DIR] [--state-dir DIR] [--no-open]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { createStudioService } from '../api/studio-service.ts';
import { describeError } from '../errors.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, startWebServer } from './web-server.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const program = new Command('cnn-studio-web')
  .description('CNN Studio in the browser')
  .addOption(new Option('--port <n>', 'port; 0 picks a free one').default('5180'))
  .option('--host <address>', 'address to bind; anything but loopback exposes the studio to your network', '127.0.0.1')
  .option('--workspace <dir>', 'folder for graph files and runs', process.cwd())
  .option('--state-dir <dir>', 'folder for recent files and the recovery file of unsaved work', join(homedir(), '.cnn-studio'))
  .option('--no-open', 'do not open a browser')
  .parse();

const options = program.opts<{ port: string; host: string; workspace: string; stateDir: string; open: boolean }>();
const workspace = resolve(options.workspace);
const token = randomBytes(24).toString('base64url');

let server: Awaited<ReturnType<typeof startWebServer>> | undefined;
const service = createStudioService({
  kind: 'browser',
  workspace,
  runsRoot: join(workspace, 'runs'),
  resourcesDir: join(REPO, 'resources'),
  stateDir: resolve(options.stateDir),
  emitTrainingEvent: (runId, event) => server?.broadcast('trainingEvent', runId, event),
});

try {
  server = await startWebServer({
    host: options.host,
    port: Number(options.port),
    token,
    staticDir: join(REPO, 'dist', 'renderer'),
    service,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  });
} catch (error) {
  process.stderr.write(`error: cannot start the server on ${options.host}:${options.port}: ${describeError(error)}\n`);
  process.exit(2);
}

process.stdout.write(`CNN Studio is running at ${server.url}\nWorkspace: ${workspace}\n`);
if (!['127.0.0.1', 'localhost', '::1'].includes(options.host)) {
  process.stdout.write(`Warning: bound to ${options.host}; anyone on your network with the token can use the studio.\n`);
}
if (options.open) openBrowser(server.url);

const shutdown = () => {
  service.dispose();
  void server?.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stdout.write('Open the address above in your browser.\n'));
  child.unref();
}
