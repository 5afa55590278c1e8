import t from 'tap';
import { runMultiplayerPeerConformance, tapRunner } from '../../testing/index.js';
import { tcpFixture } from '../../examples/custom-transport/conformance.fixture.js';

// The example third-party transport (examples/custom-transport, node:net) passes the published suite.
runMultiplayerPeerConformance(tapRunner(t), tcpFixture);
