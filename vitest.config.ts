import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the renderer's *.svelte.ts stores (runes) so tests/renderer can run them.
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // The CLI tests run the built command: build it from the current sources first.
    globalSetup: ['tests/support/build-cli.global.ts'],
    testTimeout: 60_000,
  },
});
