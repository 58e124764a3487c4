/**
 * `npm run web`: the studio in a browser. Serves the built renderer and the engine on loopback,
 * with a random token in the URL it prints (and opens, where a browser can be found). The token is
 * kept in the state folder (web-token.ts), so a page left open reconnects when the server is
 * started again on the same port; `--new-token` makes a new one.
 *
 *   npm run web -- [--port 5180] [--host 127.0.0.1] [--workspace DIR] [--state-dir DIR] [--new-token] [--no-open]
 */
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { createStudioService } from '../api/studio-service.ts';
import { describeError } from '../errors.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, startWebServer } from './web-server.ts';
import { webToken } from './web-token.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const program = new Command('cnn-studio-web')
  .description('CNN Studio in the browser')
  .addOption(new Option('--port <n>', 'port; 0 picks a free one').default('5180'))
  .option('--host <address>', 'address to bind; anything but loopback exposes the studio to your network', '127.0.0.1')
  .option('--workspace <dir>', 'folder for graph files and runs', process.cwd())
  .option('--state-dir <dir>', 'folder for recent files and the recovery file of unsaved work', join(homedir(), '.cnn-studio'))
  .option('--new-token', 'replace the access token kept in the state folder (pages open with the old address must use the new one)')
  .option('--no-open', 'do not open a browser')
  .parse();

const options = program.opts<{ port: string; host: string; workspace: string; stateDir: string; newToken?: boolean; open: boolean }>();
const workspace = resolve(options.workspace);
const stateDir = resolve(options.stateDir);
let token: string;
try {
  ({ token } = await webToken(stateDir, { renew: options.newToken === true }));
} catch (error) {
  process.stderr.write(`error: cannot keep the access token in ${stateDir}: ${describeError(error)}\n`);
  process.exit(2);
}

let server: Awaited<ReturnType<typeof startWebServer>> | undefined;
const service = createStudioService({
  kind: 'browser',
  workspace,
  runsRoot: join(workspace, 'runs'),
  resourcesDir: join(REPO, 'resources'),
  stateDir,
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
