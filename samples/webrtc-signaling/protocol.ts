/** The signaling protocol lives in the server layer (one implementation for the sample and `scenenet serve`). */
export {
  MessageType,
  MAX_MESSAGE_BYTES,
  encodeMessage,
  parseMessage,
  encodeCandidate,
  parseCandidate,
} from '../../server/signaling/signaling-protocol.js';
export type { SignalMessage } from '../../server/signaling/signaling-protocol.js';
