/** The desktop shell's security settings, sender checks and menu, with Electron itself mocked. */
import { describe, expect, it, vi } from 'vitest';
import { isTrustedSender, setupIpc } from '../../electron/ipc.ts';
import { lockDownContents, lockDownSession } from '../../electron/lock-down.ts';
import { menuTemplate } from '../../electron/menu.ts';
import { createStudioWindow } from '../../electron/window.ts';
import { fakeService } from '../support/fake-service.ts';

vi.mock('electron', () => ({
  /** Keeps the options it was built with, which is all these tests look at. */
  BrowserWindow: class {
    constructor(readonly options: Electron.BrowserWindowConstructorOptions) {}
  },
}));

describe('the window', () => {
  const prefs = (createStudioWindow('/app/preload.cjs') as unknown as { options: Electron.BrowserWindowConstructorOptions }).options.webPreferences!;

  it('isolates the page: context isolation and sandbox on, no Node.js integration anywhere', () => {
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('turns on no experimental or extra Blink features and keeps no insecure option', () => {
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('refuses navigation away from the app, redirects, webviews and new windows', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    lockDownContents({ on: ((name: string, listener: never) => listeners.set(name, listener)) as never, setWindowOpenHandler: ((h: never) => (openHandler = h)) as never }, 'file:///app/index.html');
    const attempt = (name: string, url?: string) => {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)!(event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(attempt('will-navigate', 'file:///app/index.html')).toBe(false);
    expect(attempt('will-redirect')).toBe(true);
    expect(attempt('will-attach-webview')).toBe(true);
    expect(openHandler!()).toEqual({ action: 'deny' });
  });

  it('sends a strict Content-Security-Policy and denies every permission and device', () => {
    let headers: ((details: { responseHeaders?: Record<string, string[]> }, callback: (r: unknown) => void) => void) | undefined;
    let request: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let device: (() => boolean) | undefined;
    lockDownSession({
      webRequest: { onHeadersReceived: (h: never) => (headers = h) } as never,
      setPermissionRequestHandler: ((h: never) => (request = h)) as never,
      setPermissionCheckHandler: ((h: never) => (check = h)) as never,
      setDevicePermissionHandler: ((h: never) => (device = h)) as never,
    });
    const callback = vi.fn();
    headers!({ responseHeaders: { 'Content-Security-Policy': ["default-src *; script-src 'unsafe-eval'"], 'X-Other': ['kept'] } }, callback);
    const sent = (callback.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> }).responseHeaders;
    expect(sent['X-Other']).toEqual(['kept']);
    const policy = sent['Content-Security-Policy']!;
    expect(policy).toHaveLength(1);
    const directives = new Map(policy[0]!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(policy[0]).not.toMatch(/unsafe-eval|http:|https:|\*/);
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read']) {
      const granted = vi.fn();
      request!({}, permission, granted);
      expect(granted).toHaveBeenCalledWith(false);
    }
    expect(check!()).toBe(false);
    expect(device!()).toBe(false);
  });
});

describe('IPC handlers', () => {
  const contents = { id: 1 } as never;
  const frame = (url: string, parent: unknown = null) => ({ url, parent });
  const handlerFor = () => {
    let handler: ((event: unknown, ...args: unknown[]) => Promise<unknown>) | undefined;
    const service = fakeService();
    setupIpc({ handle: (_channel, h) => void (handler = h as never) }, service, () => contents);
    return { handler: handler!, service };
  };

  it('answers the studio window', async () => {
    const { handler, service } = handlerFor();
    const reply = await handler({ sender: { id: 1 }, senderFrame: frame('file:///app/index.html') }, 'recentFiles', []);
    expect(reply).toEqual({ ok: true, result: ['/a.json'] });
    expect(service.received).toEqual([['recentFiles', []]]);
  });

  it.each([
    ['another web contents', { sender: { id: 2 }, senderFrame: frame('file:///app/index.html') }],
    ['a remote page', { sender: { id: 1 }, senderFrame: frame('https://example.com/') }],
    ['a sub-frame', { sender: { id: 1 }, senderFrame: frame('file:///app/index.html', {}) }],
    ['no frame at all', { sender: { id: 1 }, senderFrame: null }],
  ])('refuses %s', async (_what, event) => {
    const { handler, service } = handlerFor();
    expect(await handler(event, 'recentFiles', [])).toEqual({ ok: false, message: 'refused: the call did not come from the studio window' });
    expect(service.received).toEqual([]);
  });

  it('refuses unknown calls and bad arguments with a message', async () => {
    const { handler } = handlerFor();
    const event = { sender: { id: 1 }, senderFrame: frame('file:///app/index.html') };
    expect(await handler(event, 'deleteEverything', [])).toEqual({ ok: false, message: 'unknown call "deleteEverything"' });
    expect(await handler(event, 'openGraph', [42])).toMatchObject({ ok: false, message: expect.stringContaining('openGraph: argument 0') });
    expect(await handler(event, 42, [])).toEqual({ ok: false, message: 'refused: the call has no name' });
    expect(await handler(event, '__proto__', [])).toEqual({ ok: false, message: 'unknown call "__proto__"' });
    expect(isTrustedSender(event as never, () => contents)).toBe(true);
  });
});

describe('the application menu', () => {
  const commands: string[] = [];
  const template = menuTemplate({ isMac: false, command: (c) => commands.push(c), editText: () => {}, openDocumentation: () => {}, showAbout: () => {} });

  it('has File, Edit, View and Help', () => {
    expect(template.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
  });

  it('sends file and graph commands to the page, with the usual shortcuts', () => {
    const items = template.flatMap((menu) => menu.submenu as { label?: string; accelerator?: string; click?: (item: unknown, window: unknown, event: object) => void }[]);
    const find = (label: string) => items.find((item) => item.label === label)!;
    expect(find('Save').accelerator).toBe('CmdOrCtrl+S');
    expect(find('Undo').accelerator).toBe('CmdOrCtrl+Z');
    find('Save').click!({}, {}, {});
    find('Redo').click!({}, {}, {});
    find('Open…').click!({}, {}, {});
    expect(commands).toEqual(['save', 'redo', 'open']);
  });

  it('keeps the window items of the operating system', () => {
    const view = template.find((menu) => menu.label === '&View')!.submenu as { role?: string }[];
    expect(view.map((item) => item.role).filter(Boolean)).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });
});
