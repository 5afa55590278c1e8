import t from 'tap';
import type { LinkConditions } from '../../../plugins/loopback/index.js';
import { runMultiplayerPeerConformance, tapRunner } from '../../../testing/index.js';
import { loopbackFixture } from '../../testing/loopback-fixture.js';

// Twice: over perfect links, and over a bad network (the suite never asserts unreliable delivery).
const networks: Array<[string, Partial<LinkConditions>]> = [
  ['loopback', {}],
  ['loopback (lossy)', { latencyMs: 20, jitterMs: 10, loss: 0.2, duplicate: 0.1, reorder: 0.1, bandwidthBytesPerSec: 1_000_000 }],
];

for (const [name, conditions] of networks) runMultiplayerPeerConformance(tapRunner(t), loopbackFixture(name, conditions));
