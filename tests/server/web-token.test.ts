/**
 * The browser mode's token is kept between starts so that an open page can reconnect to a
 * restarted server; it lives in a file only its user can read, and is replaced when that file
 * cannot be trusted or when asked (`--new-token`).
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOKEN_FILE, webToken } from '../../main/server/web-token.ts';
import { webProcess, type WebProcess } from '../support/restartable-web-process.ts';

describe('the browser mode token', () => {
  it('is made once, 0600, and read back on the next start', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'web-token-')), 'state');
    const first = await webToken(stateDir);
    expect(first).toMatchObject({ reused: false, token: expect.stringMatching(/^[\w-]{32}$/) });
    expect(statSync(join(stateDir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o077).toBe(0);
    expect(await webToken(stateDir)).toEqual({ token: first.token, reused: true });
  });

  it('is replaced when asked, and when its file is readable by others or does not hold a token', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'web-token-'));
    const file = join(stateDir, TOKEN_FILE);
    const { token } = await webToken(stateDir);
    const renewed = await webToken(stateDir, { renew: true });
    expect(renewed.reused).toBe(false);
    expect(renewed.token).not.toBe(token);

    chmodSync(file, 0o644);
    const afterLeak = await webToken(stateDir);
    expect(afterLeak.reused).toBe(false);
    expect(afterLeak.token).not.toBe(renewed.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    writeFileSync(file, 'short\n', { mode: 0o600 });
    const afterGarbage = await webToken(stateDir);
    expect(afterGarbage.reused).toBe(false);
    expect(readFileSync(file, 'utf8').trim()).toBe(afterGarbage.token);
  });
});

describe('npm run web and its token', () => {
  let server: WebProcess | undefined;
  afterAll(async () => {
    await server?.kill();
  });

  it('prints the same address after a restart, and a new token with --new-token', async () => {
    server = await webProcess();
    const first = new URL(await server.start());
    await server.kill();
    expect(new URL(await server.start()).searchParams.get('token')).toBe(first.searchParams.get('token'));
    await server.kill();
    const renewed = new URL(await server.start(['--new-token']));
    expect(renewed.searchParams.get('token')).toMatch(/^[\w-]{32}$/);
    expect(renewed.searchParams.get('token')).not.toBe(first.searchParams.get('token'));
  }, 60_000);
});
