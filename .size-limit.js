// Browser bundle budgets (issue 18), checked by `npx size-limit` and by test/bundle/size-limit.test.ts
// (so `npm test` fails when a change goes over, with every size printed).
//
// Each entry under test/bundle/ is a small real client importing the sources' browser entries;
// @size-limit/preset-small-lib bundles it with esbuild as a user would:
//   npx esbuild client.ts --bundle --minify --format=esm --platform=browser | gzip -9 | wc -c
// and counts minified + gzipped bytes. (size-limit 11: size-limit 14 needs Node 22; we support Node 20.)

/** The esbuild options every budget (and the Chromium test's bundle) is built with. */
export function browserBuild(config) {
  return { ...config, platform: 'browser', format: 'esm', target: 'es2022', minify: true };
}

export default [
  {
    name: 'WebSocket client (SceneTree + SceneMultiplayer + WebSocketMultiplayerPeer)',
    path: 'test/bundle/ws-client.ts',
    limit: '30 kB',
    gzip: true,
    modifyEsbuildConfig: browserBuild,
  },
  {
    name: 'WebSocket client + replication (MultiplayerSpawner, MultiplayerSynchronizer)',
    path: 'test/bundle/ws-replication-client.ts',
    limit: '40 kB',
    gzip: true,
    modifyEsbuildConfig: browserBuild,
  },
  {
    name: 'WebRTC client (browser entry) + SceneMultiplayer',
    path: 'test/bundle/webrtc-client.ts',
    limit: '40 kB',
    gzip: true,
    modifyEsbuildConfig: browserBuild,
  },
];
