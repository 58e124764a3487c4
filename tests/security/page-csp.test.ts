/**
 * The page's own Content-Security-Policy (the meta tag in renderer/index.html), the one the browser
 * mode relies on; the desktop app adds a stricter header on top (tests/electron/shell.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';

const html = readFileSync(`${REPO}renderer/index.html`, 'utf8');
const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
const directives = new Map((meta?.[1] ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe("the page's Content-Security-Policy", () => {
  it('is there, and starts from nothing allowed', () => {
    expect(meta).not.toBeNull();
    expect(directives.get('default-src')).toEqual(["'none'"]);
  });

  it("runs only the app's own scripts: no inline script, no eval, no other host", () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
  });

  it("connects only to its own origin and the browser mode's loopback WebSocket", () => {
    expect(directives.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*']);
  });

  it('allows no base URL and no form submission, and loads nothing over the network', () => {
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(meta![1]).not.toMatch(/https?:|'unsafe-eval'|(^|\s)\*(\s|;|$)/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });
});
