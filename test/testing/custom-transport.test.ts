import { readFileSync } from 'node:fs';
import t from 'tap';
import { runMultiplayerPeerConformance, tapRunner } from '../../testing/index.js';
import { tcpFixture } from '../../examples/custom-transport/conformance.fixture.js';

// The example third-party transport (examples/custom-transport, node:net) passes the published suite.
runMultiplayerPeerConformance(tapRunner(t), tcpFixture);

t.test('the fixture is at most 40 lines, and docs/writing-a-transport.md shows it verbatim', (t) => {
  const fixture = readFileSync(new URL('../../examples/custom-transport/conformance.fixture.ts', import.meta.url), 'utf8');
  t.ok(fixture.split('\n').length - 1 <= 40, `${fixture.split('\n').length - 1} lines`);
  t.ok(readFileSync(new URL('../../docs/writing-a-transport.md', import.meta.url), 'utf8').includes('```ts\n' + fixture + '```'));
  t.end();
});
