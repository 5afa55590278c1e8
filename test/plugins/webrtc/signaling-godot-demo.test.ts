/** The signaling protocol's candidate text, as Godot's webrtc_signaling demo (ws_webrtc_client.gd) writes and reads it. */
import t from 'tap';
import { encodeCandidate, parseCandidate } from '../../../samples/webrtc-signaling/protocol.js';

const NAME = 'candidate:1 1 UDP 2122317823 127.0.0.1 50000 typ host';

t.test('candidates: "\\nmid\\nindex\\nname" as the demo sends them; the leading newline is optional, as in its split("\\n", false)', async (t) => {
  t.equal(encodeCandidate('0', 0, NAME), `\n0\n0\n${NAME}`, 'encoded like send_candidate: "\\n%s\\n%d\\n%s"');
  t.same(parseCandidate(`\n0\n0\n${NAME}`), ['0', 0, NAME], 'the demo\'s own form');
  t.same(parseCandidate(`data\n2\n${NAME}`), ['data', 2, NAME], 'without the leading newline');
  t.same(parseCandidate(encodeCandidate('audio', 1, NAME)), ['audio', 1, NAME], 'round trip');
  t.equal(parseCandidate(`\n0\n${NAME}`), null, 'two parts: refused');
  t.equal(parseCandidate(`\n0\nx\n${NAME}`), null, 'index not an integer: refused');
  t.equal(parseCandidate(`\n0\n-1\n${NAME}`), null, 'negative index: refused');
  t.equal(parseCandidate(`\n0\n0\n${NAME}\nextra`), null, 'four parts: refused');
});
