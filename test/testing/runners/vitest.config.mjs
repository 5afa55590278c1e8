// Vitest's own minimal config for the adapter proof (test/testing/runners.test.ts): only
// loopback.vitest.ts, in Node. Loaded natively (`--configLoader native`) so Vite writes no bundled
// config into node_modules; run with `--no-cache` for the same reason.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['loopback.vitest.ts'],
    environment: 'node',
    pool: 'forks',
    watch: false,
  },
});
