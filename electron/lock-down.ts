/**
 * What any web contents and the app's session may do: no navigation away from the app, no
 * redirects, no <webview>, no new windows; a strict Content-Security-Policy header on every
 * response that passes through webRequest; every permission (camera, notifications, USB, …)
 * denied. The page's own CSP meta tag (renderer/index.html) does not depend on the header: see
 * docs/security.md, item 7, on headers and file:// pages.
 */
import type { Session, WebContents } from 'electron';

/** Refuses navigation away from appUrl, redirects, webviews and new windows. */
export function lockDownContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== appUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The CSP header on every response webRequest sees, and no permission ever granted. */
export function lockDownSession(session: Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    // The policy is written here, not in a constant, so that the security scan can evaluate it.
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
