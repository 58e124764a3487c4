/**
 * The desktop app's main process: one window, the menu, the IPC handlers and the engine. Each
 * piece is set up by its own module; this file only wires them together.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, utilityProcess } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FILE_KIND_INFO, fileDialogTitle, OPENED_EXTENSIONS } from '../main/api/contract.ts';
import { engineTasks } from '../main/api/engine-tasks/engine-client.ts';
import { createStudioService } from '../main/api/studio-service.ts';
import { startTrainingProcess } from '../main/train/worker/controller.ts';
import { sendEvent, setupIpc } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { utilityProcessSpawner } from './training-launcher.ts';
import { lockDownContents, lockDownSession } from './lock-down.ts';
import { confirmCloseWithUnsavedChanges } from './unsaved-changes.ts';
import { createStudioWindow } from './window.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const appUrl = pathToFileURL(rendererIndex).href;
let window: BrowserWindow | null = null;

const documents = app.getPath('documents');
const service = createStudioService({
  kind: 'desktop',
  workspace: join(documents, 'CNN Studio'),
  runsRoot: join(documents, 'CNN Studio', 'runs'),
  resourcesDir: app.isPackaged ? join(process.resourcesPath, 'resources') : join(here, '..', '..', 'resources'),
  stateDir: app.getPath('userData'),
  chooseFile: async (purpose, kind, suggestedName) => {
    if (!window) return null;
    const title = fileDialogTitle(purpose, kind);
    const { name, extension } = FILE_KIND_INFO[kind];
    const filters = purpose === 'open'
      ? [{ name: 'CNN Studio graph, Keras, TensorFlow.js or ONNX model', extensions: OPENED_EXTENSIONS.map((e) => e.slice(1)) }]
      : [{ name: kind === 'graph' ? name : `${name} export`, extensions: [extension.slice(1)] }];
    if (purpose === 'open') {
      const result = await dialog.showOpenDialog(window, { title, properties: ['openFile'], filters });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    }
    const result = await dialog.showSaveDialog(window, { title, defaultPath: suggestedName, filters });
    return result.canceled ? null : (result.filePath ?? null);
  },
  emitTrainingEvent: (runId, event) => sendEvent(window?.webContents ?? null, 'trainingEvent', runId, event),
  // Training runs in a utilityProcess, from the same engine as the CLI's worker, bundled beside this file.
  startTraining: (request, onEvent) =>
    startTrainingProcess(request, onEvent, utilityProcessSpawner((path) => utilityProcess.fork(path, [], { serviceName: 'CNN Studio training', stdio: ['ignore', 'inherit', 'pipe'] }), join(here, 'training-process.js'))),
  // Backend detection, evaluation and feature maps too, in one utilityProcess kept between them:
  // never in this process, whose event loop is the window's.
  engineTasks: engineTasks(utilityProcessSpawner((path) => utilityProcess.fork(path, [], { serviceName: 'CNN Studio engine', stdio: ['ignore', 'inherit', 'pipe'] }), join(here, 'engine-process.js'))),
});

function createWindow(): void {
  window = createStudioWindow(join(here, 'preload.cjs'));
  lockDownContents(window.webContents, appUrl);
  confirmCloseWithUnsavedChanges(window, dialog, () => void service.clearRecovery());
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = null));
  void window.loadFile(rendererIndex);
}

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => lockDownContents(contents, appUrl));

void app.whenReady().then(() => {
  lockDownSession(session.defaultSession);
  setupIpc(ipcMain, service, () => window?.webContents ?? null);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isMac: process.platform === 'darwin',
        command: (command) => sendEvent(window?.webContents ?? null, 'menuCommand', command),
        editText: (command) => {
          const contents = window?.webContents;
          if (contents && !contents.isDestroyed()) contents[command]();
        },
        openDocumentation: () => void shell.openPath(join(app.isPackaged ? process.resourcesPath : join(here, '..', '..'), 'docs', 'graph-format.md')),
        showAbout: () => void dialog.showMessageBox({ message: `CNN Studio ${app.getVersion()}`, detail: 'Design small CNNs, see their parameters and receptive fields, train them offline.' }),
      }),
    ),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  service.dispose();
  if (process.platform !== 'darwin') app.quit();
});
