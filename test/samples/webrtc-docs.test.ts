/**
 * The WebRTC tutorial's twins (samples/docs): the minimal connection example and the local signaling
 * example, each run in real time on real node-datachannel connections until both messages crossed.
 */
import t from 'tap';
import { main as minimal } from '../../samples/docs/webrtc-minimal.js';
import { main as localSignaling } from '../../samples/docs/webrtc-local-signaling.js';

// Budgets for a loaded 2-core machine: each example needs ~2 s (its two one-second timers).
const TIMEOUT_S = 60;

t.test("minimal connection: P1 offers over signals; each side gets the other's message", async (t) => {
  const lines: string[] = [];
  t.equal(await minimal((l) => lines.push(l), TIMEOUT_S), 0, lines.join('\n'));
  t.same([...lines].sort(), ['P1 received: Hi from P2', 'P2 received: Hi from P1']);
  t.equal(lines[0], 'P2 received: Hi from P1', 'P1 sends first, a second before P2');
});

t.test('local signaling: two Chats paired through /root/Signaling by their paths', async (t) => {
  const lines: string[] = [];
  t.equal(await localSignaling((l) => lines.push(l), TIMEOUT_S), 0, lines.join('\n'));
  t.same(lines, ['/root/Main/Chat2 received: Hi from /root/Main/Chat', '/root/Main/Chat received: Hi from /root/Main/Chat2']);
});
