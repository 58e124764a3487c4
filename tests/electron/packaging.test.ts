/**
 * The installers' Electron fuses (electron-builder.yml), read and validated the way `npm run dist`
 * does it, through electron-builder's own config loader and schema, since the packaged binary
 * cannot be built here.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.ts';

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('the packaged app', () => {
  it('flips the fuses docs/security.md lists, in a configuration electron-builder accepts', async () => {
    const config = await getConfig(REPO, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      // On while the renderer loads from file:// (docs/security.md, item 18).
      grantFileProtocolExtraPrivileges: true,
    });
  });

  it('is checked by a validator that does refuse an unknown fuse', async () => {
    const config = await getConfig(REPO, null, null);
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNodes: false } }, new DebugLogger(false))).rejects.toThrow(/configuration.electronFuses/);
  });
});
