import { MultiplayerPeer, type VariantType } from '../../core/index.js';
import { checkDeclaredArguments } from '../declared-types.js';
import { CMD_MASK, Command, SYS_CMD_SIZE, SysCommand } from './commands.js';
import { DropReason } from './drop-reason.js';
import { MultiplayerStats } from './multiplayer-stats.js';
import { describeMismatch, type RpcTable } from './rpc-table.js';
import { PeerGuard, TokenBucket, normalizeLimits, type MultiplayerLimits } from './peer-limits.js';
import { providePolicy, type MultiplayerPolicy, type PolicyHost } from './policy-hook.js';

/**
 * The server policy of a SceneMultiplayer (not in Godot; local policy, no byte changes on the wire):
 * traffic and drop counters (`stats`); per-peer and per-API budgets (`limits`); a peer that keeps
 * sending malformed or over-budget packets is disconnected; declared RPC argument types are checked
 * on send and on receipt; an RPC checksum mismatch names the methods that differ when it can tell.
 * Installed by the game server; a browser client does not bundle it.
 */
export class ServerPolicy implements MultiplayerPolicy {
  readonly stats = new MultiplayerStats();
  readonly #host: PolicyHost;
  readonly #guards = new Map<number, PeerGuard>();
  #limits: MultiplayerLimits;
  readonly #totalRpcs: TokenBucket;
  readonly #totalBytes: TokenBucket;
  /** The link the packet being processed came from. */
  #inGuard: PeerGuard | undefined = undefined;
  /** Clock time read once per poll (budgets refill from it). */
  #nowMs: number;

  constructor(host: PolicyHost, limits: Partial<MultiplayerLimits>) {
    this.#host = host;
    this.#limits = normalizeLimits(limits);
    this.#nowMs = host.clock.nowMs();
    this.#totalRpcs = new TokenBucket(this.#limits.totalRpcBurst, this.#nowMs);
    this.#totalBytes = new TokenBucket(this.#limits.totalBytesBurst, this.#nowMs);
  }

  get limits(): MultiplayerLimits {
    return this.#limits;
  }
  set limits(limits: Partial<MultiplayerLimits>) {
    this.#limits = normalizeLimits(limits);
  }

  beginPoll(): void {
    this.#nowMs = this.#host.clock.nowMs();
  }

  addPeer(id: number): void {
    const now = this.#host.clock.nowMs();
    this.#guards.set(id, new PeerGuard(this.stats.addPeer(id, now), this.#limits, now));
  }

  removePeer(id: number): void {
    this.#guards.delete(id);
    this.stats.removePeer(id);
  }

  clear(): void {
    this.#guards.clear();
    this.stats.clearPeers();
  }

  receive(sender: number, packet: Uint8Array, closing: boolean): boolean {
    const guard = this.#guards.get(sender);
    const rpc = carriesRpc(packet);
    this.stats.countIn(guard?.stats, packet.length, rpc);
    if (closing) return false;
    // A client trusts its server; everyone else has a budget.
    return guard === undefined || sender === MultiplayerPeer.TARGET_PEER_SERVER || this.#withinBudget(sender, guard, packet, rpc);
  }

  sent(to: number, packet: Uint8Array): void {
    this.stats.countOut(this.#guards.get(to)?.stats, packet.length, carriesRpc(packet));
  }

  enter(sender: number): void {
    this.#inGuard = sender === 0 ? undefined : this.#guards.get(sender);
  }

  /** Takes a packet's cost from the peer's and the API's budgets; false (counted, maybe disconnecting) when over. */
  #withinBudget(sender: number, guard: PeerGuard, packet: Uint8Array, rpc: boolean): boolean {
    const l = this.#limits;
    const now = this.#nowMs;
    let over: string | null = null;
    if (rpc && !guard.rpcs.take(1, l.peerRpcsPerSecond, l.peerRpcBurst, now)) over = `its budget of ${l.peerRpcsPerSecond} RPCs/s`;
    else if (!guard.bytes.take(packet.length, l.peerBytesPerSecond, l.peerBytesBurst, now))
      over = `its budget of ${l.peerBytesPerSecond} bytes/s`;
    else if (rpc && !this.#totalRpcs.take(1, l.totalRpcsPerSecond, l.totalRpcBurst, now))
      over = `the API's budget of ${l.totalRpcsPerSecond} RPCs/s`;
    else if (!this.#totalBytes.take(packet.length, l.totalBytesPerSecond, l.totalBytesBurst, now))
      over = `the API's budget of ${l.totalBytesPerSecond} bytes/s`;
    if (over === null) return true;
    this.stats.countDrop(guard.stats, DropReason.RATE_LIMITED);
    if (guard.rateLimited.add(now, l.windowMs) > l.rateLimitedPerWindow) {
      this.#host.log.error(
        `Peer ${sender} sent more than ${l.rateLimitedPerWindow} packets over budget within ${l.windowMs} ms. Disconnecting peer ${sender}.`,
      );
      this.#host.disconnectPeer(sender);
    } else if (guard.firstOf(DropReason.RATE_LIMITED)) {
      this.#host.log.error(`Peer ${sender} is over ${over}: its excess packets are dropped (counted, logged once).`);
    }
    return false;
  }

  /** Counted against the link the packet came in on (else `from`), logged always or once per peer and reason. */
  refuse(from: number, reason: DropReason, message: string | null, once: boolean): void {
    const link = this.#inGuard ?? this.#guards.get(from);
    this.stats.countDrop(link?.stats, reason);
    if (message !== null && (!once || link === undefined || link.firstOf(reason))) this.#host.log.error(message);
  }

  /**
   * Dropped and counted; logged the first time per peer; its sender is disconnected once it sent more
   * than `limits.malformedPerWindow` in a window. A client never disconnects from its server for a
   * packet the server only relayed.
   */
  // Divergence from Godot: Godot only drops; past the threshold (default 10 per 10 s) we disconnect.
  rejectMalformed(from: number, reason: string): void {
    const link = this.#inGuard ?? this.#guards.get(from);
    this.stats.countDrop(link?.stats, DropReason.MALFORMED);
    const own = this.#guards.get(from);
    const l = this.#limits;
    if (
      (this.#host.isServer() || from === MultiplayerPeer.TARGET_PEER_SERVER) &&
      own !== undefined &&
      own.malformed.add(this.#nowMs, l.windowMs) > l.malformedPerWindow
    ) {
      this.#host.log.error(`${reason} Disconnecting peer ${from}.`);
      this.#host.disconnectPeer(from);
    } else if (link === undefined || link.firstOf(DropReason.MALFORMED)) {
      this.#host.log.error(
        `${reason} Dropped; further malformed packets from peer ${from} are counted, not logged (disconnected past ${l.malformedPerWindow} in ${l.windowMs} ms).`,
      );
    }
  }

  checkArguments(types: readonly (VariantType | null)[], args: readonly unknown[]): string | null {
    return checkDeclaredArguments(types, args);
  }

  describeMismatch(path: string, table: RpcTable, remoteMd5: string | null): string {
    return describeMismatch(path, table, remoteMd5);
  }
}

/**
 * Gives every SceneMultiplayer made from now on in this program the server policy: `stats`, `limits`
 * (budgets and disconnection thresholds, `DEFAULT_LIMITS` unless told) and declared RPC argument
 * checks. `GameServer` calls it; a Node server built on SceneMultiplayer alone should too. Not in a
 * browser client unless it asks for it, so the client does not download the policy.
 */
export function installServerPolicy(): void {
  providePolicy((host, limits) => new ServerPolicy(host, limits));
}

/** Whether a packet carries a REMOTE_CALL, directly or inside a RELAY. */
function carriesRpc(packet: Uint8Array): boolean {
  const cmd = packet[0]! & CMD_MASK;
  if (cmd === Command.REMOTE_CALL) return true;
  return (
    cmd === Command.SYS &&
    packet[1] === SysCommand.RELAY &&
    packet.length > SYS_CMD_SIZE &&
    (packet[SYS_CMD_SIZE]! & CMD_MASK) === Command.REMOTE_CALL
  );
}
