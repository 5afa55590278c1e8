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
  'bin/scenenet': 'bin/scenenet.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  outDir: 'dist',
  // esbuild: `scenenet arena` bundles its browser client at start (from a clone; a dev dependency).
  external: ['ws', 'node-datachannel', 'inversify', 'reflect-metadata', 'selfsigned', 'prom-client', 'ioredis', 'esbuild', /^node:/],
});
