import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // The CLI tests run the built command: build it from the current sources first.
    globalSetup: ['tests/support/build-cli.global.ts'],
    testTimeout: 60_000,
  },
});
