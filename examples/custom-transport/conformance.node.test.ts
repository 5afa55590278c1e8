// `node --test`: the scenenet conformance suite on this transport.
import { test } from 'node:test';
import { nodeTestRunner, runMultiplayerPeerConformance } from 'scenenet/testing';
import { tcpFixture } from './conformance.fixture.js';

runMultiplayerPeerConformance(nodeTestRunner(test), tcpFixture);
