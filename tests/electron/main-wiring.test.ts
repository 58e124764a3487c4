/**
 * electron/main.ts wires the lock-down together; this runs it against a mocked Electron (and a
 * fake engine) and checks that every piece is in place: the sandbox for every renderer, the
 * session locked down before the window opens, every web contents locked down as it is created,
 * the IPC handler registered, and the page loaded from a local file.
 */
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CALL_CHANNEL } from '../../electron/channels.ts';
import { REPO } from '../support/cli.ts';

type Handler = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  const calls: string[] = [];
  const appEvents = new Map<string, Handler>();
  const sessionHandlers = new Map<string, Handler>();
  const windows: { options: unknown; loaded: unknown[]; contentsEvents: Map<string, Handler>; openHandler?: Handler }[] = [];
  const fakeContents = (events: Map<string, Handler>, onOpenHandler: (h: Handler) => void) => ({
    id: 1,
    on: (name: string, handler: Handler) => events.set(name, handler),
    setWindowOpenHandler: onOpenHandler,
    isDestroyed: () => false,
    send: () => {},
  });
  return { calls, appEvents, sessionHandlers, windows, fakeContents, dialogAnswer: 1, recoveryCleared: 0 };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { calls, appEvents, sessionHandlers, windows, fakeContents } = electron;
  class BrowserWindow extends Emitter {
    static getAllWindows = () => windows;
    webContents: unknown;
    constructor(options: unknown) {
      super();
      calls.push('new BrowserWindow');
      const record = { options, loaded: [] as unknown[], contentsEvents: new Map<string, Handler>(), openHandler: undefined as Handler | undefined };
      windows.push(record);
      this.webContents = fakeContents(record.contentsEvents, (h) => (record.openHandler = h));
    }
    loadFile(path: string) {
      windows.at(-1)!.loaded.push(['loadFile', path]);
      return Promise.resolve();
    }
    loadURL(url: string) {
      windows.at(-1)!.loaded.push(['loadURL', url]);
      return Promise.resolve();
    }
  }
  return {
    app: {
      getPath: (name: string) => `/tmp/cnn-studio-wiring/${name}`,
      isPackaged: false,
      enableSandbox: () => calls.push('app.enableSandbox'),
      on: (name: string, handler: Handler) => appEvents.set(name, handler),
      whenReady: () => Promise.resolve().then(() => calls.push('ready')),
      getVersion: () => '0.0.0',
      quit: () => {},
    },
    BrowserWindow,
    dialog: { showMessageBoxSync: () => electron.dialogAnswer },
    ipcMain: { handle: (channel: string) => calls.push(`ipcMain.handle ${channel}`) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => calls.push('Menu.setApplicationMenu') },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (h: Handler) => sessionHandlers.set('headers', h) },
        setPermissionRequestHandler: (h: Handler) => (calls.push('session locked'), sessionHandlers.set('request', h)),
        setPermissionCheckHandler: (h: Handler) => sessionHandlers.set('check', h),
        setDevicePermissionHandler: (h: Handler) => sessionHandlers.set('device', h),
      },
    },
    shell: { openPath: () => Promise.resolve('') },
    utilityProcess: { fork: () => new Emitter() },
  };
});
vi.mock('../../main/api/studio-service.ts', () => ({
  createStudioService: () => ({ dispose: () => {}, clearRecovery: async () => void electron.recoveryCleared++ }),
}));
vi.mock('../../main/train/worker/controller.ts', () => ({ startTrainingProcess: () => {} }));

const appUrl = pathToFileURL(`${REPO}renderer/index.html`).href;

beforeAll(async () => {
  await import('../../electron/main.ts');
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
});

/** Whether a contents' listener prevented the event. */
function prevented(events: Map<string, Handler>, name: string, url?: string): boolean {
  const event = { preventDefault: vi.fn() };
  events.get(name)!(event, url);
  return event.preventDefault.mock.calls.length > 0;
}

describe('the main process', () => {
  it('turns the sandbox on for every renderer before the app is ready', () => {
    expect(electron.calls.indexOf('app.enableSandbox')).toBeLessThan(electron.calls.indexOf('ready'));
  });

  it('locks the session down and registers the IPC handler before it opens the window', () => {
    const window = electron.calls.indexOf('new BrowserWindow');
    expect(electron.calls.indexOf('session locked')).toBeLessThan(window);
    expect(electron.calls.indexOf(`ipcMain.handle ${CALL_CHANNEL}`)).toBeLessThan(window);
    expect([...electron.sessionHandlers.keys()].sort()).toEqual(['check', 'device', 'headers', 'request']);
  });

  it('opens one sandboxed window and loads the page from its local file, never a URL', () => {
    const [window] = electron.windows;
    expect(window!.options).toMatchObject({ webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(window!.loaded).toEqual([['loadFile', `${REPO}renderer/index.html`]]);
  });

  it("locks the window's contents down to the app's own page", () => {
    const { contentsEvents, openHandler } = electron.windows[0]!;
    expect(prevented(contentsEvents, 'will-navigate', appUrl)).toBe(false);
    expect(prevented(contentsEvents, 'will-navigate', 'https://example.com/')).toBe(true);
    expect(openHandler!()).toEqual({ action: 'deny' });
  });

  it('locks down every web contents created later, whatever it is', () => {
    const events = new Map<string, Handler>();
    let openHandler: Handler | undefined;
    electron.appEvents.get('web-contents-created')!({}, electron.fakeContents(events, (h) => (openHandler = h)));
    expect(prevented(events, 'will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented(events, 'will-attach-webview')).toBe(true);
    expect(openHandler!()).toEqual({ action: 'deny' });
  });

  it('asks before closing over unsaved changes; discarding closes and forgets the recovery file', () => {
    const { contentsEvents } = electron.windows[0]!;
    electron.dialogAnswer = 1;
    expect(prevented(contentsEvents, 'will-prevent-unload')).toBe(false);
    expect(electron.recoveryCleared).toBe(0);
    electron.dialogAnswer = 0;
    expect(prevented(contentsEvents, 'will-prevent-unload')).toBe(true);
    expect(electron.recoveryCleared).toBe(1);
  });
});
