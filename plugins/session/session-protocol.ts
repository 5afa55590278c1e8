/**
 * The session extension's bytes (scenenet only; a stock Godot peer never receives one).
 *
 * Negotiation: on a fresh transport connection a scenenet client sends HELLO as its very first
 * packet; a session server answers WELCOME. A server only frames packets for a transport peer whose
 * first packet was a HELLO, so a stock Godot client (whose first packet is a SceneMultiplayer command)
 * sees Godot's bytes only. HELLO starts with `FF 53 4E 53` ("\xFFSNS"): a Godot server reads it as a
 * SYS packet with an unknown sub-command and drops it; the client then falls back to plain mode.
 *
 * After negotiation every packet is a frame: `[type]...` with
 *   RELIABLE `[10][u32 seq][payload]`  UNRELIABLE `[11][payload]`  ACK `[12][u32 seq]`
 *   PING `[13]`  BYE `[14]`
 * and the handshake packets
 *   HELLO   `FF 53 4E 53 01 [version][resume 0|1][token 16 B][u32 last received seq]`
 *   WELCOME `FF 53 4E 53 02 [version][status][u32 session id][token 16 B][u32 last received seq]`
 */
import { decodeUint32, encodeUint32, type Rng } from '../../core/index.js';

export const SESSION_VERSION = 1;
export const TOKEN_BYTES = 16;
const MAGIC = [0xff, 0x53, 0x4e, 0x53] as const;
const HELLO = 1;
const WELCOME = 2;
const HELLO_SIZE = 4 + 1 + 1 + 1 + TOKEN_BYTES + 4;
const WELCOME_SIZE = 4 + 1 + 1 + 1 + 4 + TOKEN_BYTES + 4;

export const Frame = { RELIABLE: 0x10, UNRELIABLE: 0x11, ACK: 0x12, PING: 0x13, BYE: 0x14 } as const;
export type Frame = (typeof Frame)[keyof typeof Frame];

/** WELCOME status. */
export const WelcomeStatus = { NEW: 0, RESUMED: 1, REFUSED: 2 } as const;
export type WelcomeStatus = (typeof WelcomeStatus)[keyof typeof WelcomeStatus];

export interface Hello {
  readonly resume: boolean;
  readonly token: Uint8Array;
  readonly lastReceived: number;
}

export interface Welcome {
  readonly status: WelcomeStatus;
  readonly sessionId: number;
  readonly token: Uint8Array;
  readonly lastReceived: number;
}

function hasMagic(p: Uint8Array, kind: number): boolean {
  return p.length >= 6 && p[0] === MAGIC[0] && p[1] === MAGIC[1] && p[2] === MAGIC[2] && p[3] === MAGIC[3] && p[4] === kind;
}

export function isHello(p: Uint8Array): boolean {
  return hasMagic(p, HELLO);
}

export function isWelcome(p: Uint8Array): boolean {
  return hasMagic(p, WELCOME);
}

export function encodeHello(h: Hello): Uint8Array {
  const out = new Uint8Array(HELLO_SIZE);
  out.set(MAGIC);
  out[4] = HELLO;
  out[5] = SESSION_VERSION;
  out[6] = h.resume ? 1 : 0;
  out.set(h.token, 7);
  encodeUint32(h.lastReceived >>> 0, out, 7 + TOKEN_BYTES);
  return out;
}

/** A HELLO, or null when it is malformed or of another version. */
export function decodeHello(p: Uint8Array): Hello | null {
  if (p.length !== HELLO_SIZE || !isHello(p) || p[5] !== SESSION_VERSION || p[6]! > 1) return null;
  return { resume: p[6] === 1, token: p.slice(7, 7 + TOKEN_BYTES), lastReceived: decodeUint32(p, 7 + TOKEN_BYTES) };
}

export function encodeWelcome(w: Welcome): Uint8Array {
  const out = new Uint8Array(WELCOME_SIZE);
  out.set(MAGIC);
  out[4] = WELCOME;
  out[5] = SESSION_VERSION;
  out[6] = w.status;
  encodeUint32(w.sessionId >>> 0, out, 7);
  out.set(w.token, 11);
  encodeUint32(w.lastReceived >>> 0, out, 11 + TOKEN_BYTES);
  return out;
}

export function decodeWelcome(p: Uint8Array): Welcome | null {
  if (p.length !== WELCOME_SIZE || !isWelcome(p) || p[5] !== SESSION_VERSION || p[6]! > 2) return null;
  return {
    status: p[6] as WelcomeStatus,
    sessionId: decodeUint32(p, 7),
    token: p.slice(11, 11 + TOKEN_BYTES),
    lastReceived: decodeUint32(p, 11 + TOKEN_BYTES),
  };
}

/** A fresh resume token: 16 bytes from `rng` (crypto randomness unless a test injects a seeded one). */
export function newToken(rng: Rng): Uint8Array {
  const out = new Uint8Array(TOKEN_BYTES);
  for (let i = 0; i < TOKEN_BYTES; i += 4) encodeUint32(rng.nextUint32() >>> 0, out, i);
  return out;
}

export function tokenKey(token: Uint8Array): string {
  let s = '';
  for (const b of token) s += b.toString(16).padStart(2, '0');
  return s;
}

export function controlFrame(type: Frame, seq?: number): Uint8Array {
  if (seq === undefined) return Uint8Array.of(type);
  const out = new Uint8Array(5);
  out[0] = type;
  encodeUint32(seq >>> 0, out, 1);
  return out;
}
