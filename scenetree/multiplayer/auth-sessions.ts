import { ErrorCode, type Clock } from '../../core/index.js';
import { Command, SysCommand } from './commands.js';

/** Godot's `auth_callback`: receives each authentication message a pending peer sends. */
export type AuthCallback = (peerId: number, data: Uint8Array) => void;

interface Pending {
  readonly sinceMs: number;
  local: boolean;
  remote: boolean;
}

/** What the sessions need from SceneMultiplayer. */
export interface AuthSessionsDeps {
  readonly clock: Clock;
  /** Sends a packet straight to a peer (never relayed), reliable on channel 0. */
  send(to: number, packet: Uint8Array): ErrorCode;
  /** Admits a peer whose authentication both sides completed. */
  admit(id: number): void;
}

const AUTH_COMPLETE = Uint8Array.of(Command.SYS, SysCommand.AUTH);

/**
 * The authentication handshake of docs/wire/multiplayer.md §4.3.1 (Godot: SceneMultiplayer's pending_peers,
 * send_auth, complete_auth and the auth part of poll). A peer stays pending until both sides sent
 * `07 00`; meanwhile only SYS/AUTH packets are accepted from it.
 */
export class AuthSessions {
  callback: AuthCallback | null = null;
  timeoutSeconds = 3;
  readonly #deps: AuthSessionsDeps;
  readonly #pending = new Map<number, Pending>();

  constructor(deps: AuthSessionsDeps) {
    this.#deps = deps;
  }

  begin(id: number): void {
    this.#pending.set(id, { sinceMs: this.#deps.clock.nowMs(), local: false, remote: false });
  }

  isPending(id: number): boolean {
    return this.#pending.has(id);
  }

  pendingIds(): number[] {
    return [...this.#pending.keys()];
  }

  /** Forgets a pending peer; true if it was pending. */
  drop(id: number): boolean {
    return this.#pending.delete(id);
  }

  clear(): void {
    this.#pending.clear();
  }

  /** Godot: send_auth. */
  sendAuth(id: number, data: Uint8Array): ErrorCode | { code: ErrorCode; message: string } {
    const session = this.#pending.get(id);
    if (session === undefined) return { code: ErrorCode.ERR_INVALID_PARAMETER, message: `Peer ${id} is not authenticating.` };
    if (data.length === 0) return { code: ErrorCode.ERR_INVALID_PARAMETER, message: 'Authentication data must not be empty.' };
    if (session.local) {
      return {
        code: ErrorCode.ERR_FILE_CANT_WRITE,
        message: 'The authentication session was previously marked as completed, no more authentication data can be sent.',
      };
    }
    if (session.remote) {
      return {
        code: ErrorCode.ERR_FILE_CANT_WRITE,
        message: 'The remote peer notified that the authentication session was completed, no more authentication data can be sent.',
      };
    }
    const packet = new Uint8Array(data.length + 2);
    packet.set(AUTH_COMPLETE);
    packet.set(data, 2);
    return this.#deps.send(id, packet);
  }

  /** Godot: complete_auth. */
  complete(id: number): ErrorCode | { code: ErrorCode; message: string } {
    const session = this.#pending.get(id);
    if (session === undefined) return { code: ErrorCode.ERR_INVALID_PARAMETER, message: `Peer ${id} is not authenticating.` };
    if (session.local) {
      return { code: ErrorCode.ERR_FILE_CANT_WRITE, message: 'The authentication session was already marked as completed.' };
    }
    session.local = true;
    const err = this.#deps.send(id, AUTH_COMPLETE);
    // Admitting may send packets, so it must happen after the confirmation went out.
    if (session.remote) this.#admit(id);
    return err;
  }

  /** A packet from a pending peer. Returns an error message for a packet that is not allowed. */
  receive(id: number, packet: Uint8Array): string | null {
    const session = this.#pending.get(id)!;
    if (packet.length < 2 || (packet[0]! & 7) !== Command.SYS || packet[1] !== SysCommand.AUTH) {
      return `Peer ${id} sent a non-authentication packet while authenticating; dropped.`;
    }
    if (packet.length > 2) {
      if (session.remote) return `Peer ${id} sent authentication data after completing; dropped.`;
      try {
        this.callback?.(id, packet.slice(2));
      } catch (err) {
        return `Failed to call authentication callback for peer ${id}: ${err instanceof Error ? err.message : String(err)}`;
      }
      return null;
    }
    session.remote = true;
    if (session.local) this.#admit(id);
    return null;
  }

  /** Pending peers older than the timeout, removed from the table (the caller disconnects them). */
  expire(): number[] {
    if (this.timeoutSeconds === 0 || this.#pending.size === 0) return [];
    const now = this.#deps.clock.nowMs();
    const expired: number[] = [];
    for (const [id, session] of this.#pending) {
      if (session.sinceMs + this.timeoutSeconds * 1000 <= now) expired.push(id);
    }
    for (const id of expired) this.#pending.delete(id);
    return expired;
  }

  #admit(id: number): void {
    this.#pending.delete(id);
    this.#deps.admit(id);
  }
}
