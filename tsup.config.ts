import { defineConfig } from 'tsup';

/** One entry per `exports` subpath of package.json (kept in step by test/package.test.ts). */
export const entries: Record<string, string> = {
  'core/index': 'core/index.ts',
  'scenetree/index': 'scenetree/index.ts',
  'netcode/index': 'netcode/index.ts',
  'plugins/loopback/index': 'plugins/loopback/index.ts',
  'plugins/session/index': 'plugins/session/index.ts',
  'plugins/websocket/index': 'plugins/websocket/index.ts',
  'plugins/websocket/index.browser': 'plugins/websocket/index.browser.ts',
  'plugins/enet/index': 'plugins/enet/index.ts',
  'plugins/webrtc/index': 'plugins/webrtc/index.ts',
  'plugins/webrtc/index.browser': 'plugins/webrtc/index.browser.ts',
  'plugins/http/index': 'plugins/http/index.ts',
  'plugins/http/index.browser': 'plugins/http/index.browser.ts',
  'plugins/net/index': 'plugins/net/index.ts',
  'plugins/net/index.browser': 'plugins/net/index.browser.ts',
  'server/index': 'server/index.ts',
  'server/presence/index': 'server/presence/index.ts',
  'testing/index': 'testing/index.ts',
  'bin/scenenet': 'bin/scenenet.ts',
};

/**
 * Every source file is emitted as its own module (no bundling, no shared chunks), mirroring the
 * sources: with `sideEffects` in package.json a bundler then drops whole files a client never uses, so
 * the DI container, inversify and the reflect-metadata polyfill stay out of a client that never calls
 * `createContainer` or loads a module (code splitting merged them into chunks every client loads).
 */
const SOURCES = ['core', 'scenetree', 'plugins', 'netcode', 'server', 'testing', 'cli', 'samples', 'bin'].map((dir) => `${dir}/**/*.ts`);

export default defineConfig({
  entry: [...SOURCES, '!**/*.d.ts'],
  bundle: false,
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  // Declarations come from one `tsc -p tsconfig.build.json` pass after this (see package.json "build"):
  // tsup's per-entry dts bundling took ~90 s of a 100 s build.
  dts: false,
  sourcemap: true,
  clean: true,
  outDir: 'dist',
  // No bundling, so nothing is inlined: ws, node-datachannel, inversify, esbuild and the rest stay
  // imports of their packages.
  // The arena's browser client (Phaser + scenenet's browser entries), prebuilt: the built CLI serves it.
  onSuccess: async () => {
    const { build } = await import('esbuild');
    await build({
      entryPoints: ['samples/arena/client.ts'],
      outfile: 'dist/arena-client.js',
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      logLevel: 'error',
    });
  },
});
