/**
 * The signaling protocol of Godot's webrtc_signaling demo (networking/webrtc_signaling): one JSON
 * text message per WebSocket frame, `{ "type": n, "id": n, "data": "…" }`, with the demo's type
 * numbers. `ERROR` (8) is ours: the server's reply to a message it will not act on.
 *
 * Client → server: JOIN (id: 0 for mesh, 1 for server/client mode, as the demo sends it; data: lobby code, "" creates
 * one), OFFER/ANSWER/CANDIDATE (id: destination peer), SEAL (host only).
 * Server → client: ID (id: your peer id; data: "true" in mesh mode), JOIN (data: the lobby code),
 * PEER_CONNECT / PEER_DISCONNECT (id: the other peer), OFFER/ANSWER/CANDIDATE (id: source peer),
 * SEAL, ERROR (data: reason).
 */

/** Message types (the demo's numbers, plus ERROR). */
export const MessageType = {
  JOIN: 0,
  ID: 1,
  PEER_CONNECT: 2,
  PEER_DISCONNECT: 3,
  OFFER: 4,
  ANSWER: 5,
  CANDIDATE: 6,
  SEAL: 7,
  ERROR: 8,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** One signaling message. */
export interface SignalMessage {
  readonly type: MessageType;
  readonly id: number;
  readonly data: string;
}

/** Longest message either side accepts (an SDP is a few KiB). */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/** Serializes a message. */
export function encodeMessage(type: MessageType, id: number, data = ''): string {
  return JSON.stringify({ type, id, data });
}

/** Parses and validates a message; null for anything malformed (never throws). */
export function parseMessage(text: string): SignalMessage | null {
  if (text.length > MAX_MESSAGE_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { type, id, data } = value as Record<string, unknown>;
  if (typeof type !== 'number' || !Number.isInteger(type) || type < MessageType.JOIN || type > MessageType.ERROR) return null;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) return null;
  if (typeof data !== 'string') return null;
  return { type: type as MessageType, id, data };
}

/** A candidate travels as the demo sends it (ws_webrtc_client.gd `send_candidate`): "\nmedia\nindex\nname". */
export function encodeCandidate(media: string, index: number, name: string): string {
  return `\n${media}\n${index}\n${name}`;
}

/**
 * Parses a candidate as the demo does (`data.split("\n", false)`: empty parts are dropped, so the
 * leading newline is optional); null if malformed.
 */
export function parseCandidate(data: string): [media: string, index: number, name: string] | null {
  const parts = data.split('\n').filter((part) => part !== '');
  if (parts.length !== 3) return null;
  const index = Number(parts[1]);
  if (!Number.isInteger(index) || index < 0) return null;
  return [parts[0]!, index, parts[2]!];
}
