// Not a tap test: run by Vitest (vitest.config.ts here) from test/testing/runners.test.ts. The suite on
// the loopback peer (all pass) and on a peer that delivers packets last-in-first-out (cases 6 and 7 fail).
import { test } from 'vitest';
import { runMultiplayerPeerConformance, vitestRunner } from '../../../testing/index.js';
import { brokenFixture } from '../../conformance/fixtures/broken-peer.js';
import { loopbackFixture } from '../loopback-fixture.js';

runMultiplayerPeerConformance(vitestRunner(test), loopbackFixture('loopback'));
runMultiplayerPeerConformance(vitestRunner(test), brokenFixture('lifo-packets'));
