// tap: the scenenet conformance suite on this transport.
import t from 'tap';
import { runMultiplayerPeerConformance, tapRunner } from 'scenenet/testing';
import { tcpFixture } from './conformance.fixture.js';

runMultiplayerPeerConformance(tapRunner(t), tcpFixture);
