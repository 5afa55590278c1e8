// Not a tap test: run with `node --import tsx --test` by test/testing/runners.test.ts. The suite on
// the loopback peer (all pass) and on a peer that delivers packets last-in-first-out (cases 6 and 7 fail).
import { test } from 'node:test';
import { nodeTestRunner, runMultiplayerPeerConformance } from '../../../testing/index.js';
import { brokenFixture } from '../../conformance/fixtures/broken-peer.js';
import { loopbackFixture } from '../loopback-fixture.js';

runMultiplayerPeerConformance(nodeTestRunner(test), loopbackFixture('loopback'));
runMultiplayerPeerConformance(nodeTestRunner(test), brokenFixture('lifo-packets'));
