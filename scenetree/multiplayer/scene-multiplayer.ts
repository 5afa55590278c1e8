import {
  ConnectionStatus,
  ErrorCode,
  MultiplayerAPI,
  MultiplayerError,
  MultiplayerPeer,
  NodePath,
  OfflineMultiplayerPeer,
  Signal,
  TransferMode,
  decodeUint32,
  isPacket,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
} from '../../core/index.js';
import type { Node } from '../node.js';
import type { SceneTree } from '../scene-tree.js';
import { AuthSessions, type AuthCallback } from './auth-sessions.js';
import type { HeldStateStats } from './held-states.js';
import { CMD_MASK, Command, SYS_CMD_SIZE, SysCommand, sysPacket } from './commands.js';
import type { MultiplayerContext } from './multiplayer-context.js';
import { MultiplayerSpawner } from './multiplayer-spawner.js';
import { MultiplayerSynchronizer } from './multiplayer-synchronizer.js';
import { SceneCacheInterface } from './scene-cache-interface.js';
import { SceneReplicationInterface } from './scene-replication-interface.js';
import { SceneRPCInterface } from './scene-rpc-interface.js';
import { DropReason, MultiplayerStats } from './multiplayer-stats.js';
import { DEFAULT_LIMITS, PeerGuard, TokenBucket, normalizeLimits, type MultiplayerLimits } from './peer-limits.js';

/** Dependencies of a SceneMultiplayer; all optional. */
export interface SceneMultiplayerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Budgets and disconnection thresholds (see `limits`); missing keys take `DEFAULT_LIMITS`. */
  readonly limits?: Partial<MultiplayerLimits>;
}

/** Options of `sendBytes`. */
export interface SendBytesOptions {
  readonly mode?: TransferMode;
  readonly channel?: number;
}

/**
 * Godot: SceneMultiplayer (modules/multiplayer/scene_multiplayer.cpp): the default high-level
 * multiplayer API. Owns the path cache, the replication and RPC interfaces (wired in the constructor,
 * as in Godot), authentication, server relay and raw packets. Its default peer is an OfflineMultiplayerPeer.
 *
 * Beyond Godot (local policy, no byte changes on the wire): traffic and drop counters (`stats`);
 * per-peer and per-API budgets (`limits`); a peer that keeps sending malformed packets is disconnected;
 * declared RPC argument types are checked; an RPC checksum mismatch names the methods that differ
 * when it can tell.
 */
export class SceneMultiplayer extends MultiplayerAPI {
  readonly peerAuthenticating = new Signal<[id: number]>();
  readonly peerAuthenticationFailed = new Signal<[id: number]>();
  readonly peerPacket = new Signal<[id: number, packet: Uint8Array]>();

  /** Godot property `allow_object_decoding` (off by default: full objects are a code-execution risk). */
  allowObjectDecoding = false;
  /** Godot property `server_relay`; must match on both ends. */
  serverRelay = true;
  /** Traffic and drop counters, in total and per connected peer (not in Godot). */
  readonly stats = new MultiplayerStats();

  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #ctx: MultiplayerContext;
  readonly #rpc: SceneRPCInterface;
  readonly #cache: SceneCacheInterface;
  readonly #replicator: SceneReplicationInterface;
  readonly #auth: AuthSessions;
  #peer: MultiplayerPeer = new OfflineMultiplayerPeer();
  #lastStatus: ConnectionStatus = ConnectionStatus.CONNECTED;
  readonly #connected = new Set<number>();
  #remoteSender = 0;
  /** The link the packet being processed came from. */
  #inGuard: PeerGuard | undefined = undefined;
  readonly #guards = new Map<number, PeerGuard>();
  #limits: MultiplayerLimits;
  readonly #totalRpcs: TokenBucket;
  readonly #totalBytes: TokenBucket;
  /** Clock time read once per poll (budgets refill from it). */
  #nowMs: number;
  #rootPath = NodePath.EMPTY;
  #tree: SceneTree | null = null;
  #detachTree: (() => void) | null = null;
  readonly #onPeerConnected = (id: number): void => this.#addPeer(id);
  readonly #onPeerDisconnected = (id: number): void => this.#delPeer(id);

  constructor(options: SceneMultiplayerOptions = {}) {
    super();
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#limits = normalizeLimits(options.limits ?? {});
    this.#nowMs = this.#clock.nowMs();
    this.#totalRpcs = new TokenBucket(this.#limits.totalRpcBurst, this.#nowMs);
    this.#totalBytes = new TokenBucket(this.#limits.totalBytesBurst, this.#nowMs);
    const self = this;
    this.#ctx = {
      log: this.#log,
      get rootPath() {
        return self.#rootPath;
      },
      getRootNode: () => this.#rootNode(),
      getUniqueId: () => this.getUniqueId(),
      isConnectedPeer: (id) => this.#connected.has(id),
      getConnectedPeers: () => this.#connected,
      getRemoteSenderId: () => this.getRemoteSenderId(),
      sendCommand: (to, packet, mode, channel) => this.#sendCommand(to, packet, mode, channel),
      rejectMalformed: (from, reason) => this.#rejectMalformed(from, reason),
      refuse: (from, reason, message) => this.#refuse(from, reason, message, false),
      refuseOnce: (from, reason, message) => this.#refuse(from, reason, message, true),
    };
    this.#rpc = new SceneRPCInterface(this.#ctx, {
      get allowObjectDecoding() {
        return self.allowObjectDecoding;
      },
      isRpcVisible: (node, peer) => this.#replicator.isRpcVisible(node, peer),
    });
    this.#cache = new SceneCacheInterface(this.#ctx, this.#rpc);
    this.#rpc.setCache(this.#cache);
    this.#replicator = new SceneReplicationInterface(this.#ctx, this.#cache, this.#clock);
    this.#auth = new AuthSessions({
      clock: this.#clock,
      send: (to, packet) => this.#putDirect(to, packet, TransferMode.RELIABLE, 0),
      admit: (id) => this.#admitPeer(id),
    });
  }

  /** Godot property `multiplayer_peer`; null installs an OfflineMultiplayerPeer. */
  override get multiplayerPeer(): MultiplayerPeer {
    return this.#peer;
  }
  override set multiplayerPeer(peer: MultiplayerPeer | null) {
    const next = peer ?? new OfflineMultiplayerPeer();
    if (next === this.#peer) return;
    if (next.getConnectionStatus() === ConnectionStatus.DISCONNECTED) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Supplied MultiplayerPeer must be connecting or connected.');
    }
    this.#peer.peerConnected.disconnect(this.#onPeerConnected);
    this.#peer.peerDisconnected.disconnect(this.#onPeerDisconnected);
    this.clear();
    this.#peer = next;
    next.peerConnected.connect(this.#onPeerConnected);
    next.peerDisconnected.connect(this.#onPeerDisconnected);
    this.#replicator.onReset();
    this.#updateStatus();
  }

  /** Godot property `root_path`: node paths on the wire are relative to it. Must be absolute. */
  get rootPath(): NodePath {
    return this.#rootPath;
  }
  set rootPath(value: NodePath | string) {
    const path = NodePath.from(value);
    if (!path.isEmpty() && !path.isAbsolute()) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'SceneMultiplayer root path must be absolute.');
    }
    this.#rootPath = path;
    this.#rpc.forgetPaths();
  }

  /** Godot property `auth_callback`: `(peerId, data)`; setting one makes new peers authenticate. */
  get authCallback(): AuthCallback | null {
    return this.#auth.callback;
  }
  set authCallback(callback: AuthCallback | null) {
    this.#auth.callback = callback;
  }

  /** Godot property `auth_timeout`, in seconds (0 disables). */
  get authTimeout(): number {
    return this.#auth.timeoutSeconds;
  }
  set authTimeout(seconds: number) {
    if (!(seconds >= 0)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Timeout must be greater or equal to 0 (where 0 means no timeout)');
    this.#auth.timeoutSeconds = seconds;
  }

  /** Godot property `max_sync_packet_size`: SYNC packets are split to stay under it (default 1350, at least 128). */
  get maxSyncPacketSize(): number {
    return this.#replicator.maxSyncPacketSize;
  }
  set maxSyncPacketSize(size: number) {
    this.#replicator.maxSyncPacketSize = size;
  }

  /** Godot property `max_delta_packet_size`: delta packets are split to stay under it (default 65535, at least 128). */
  get maxDeltaPacketSize(): number {
    return this.#replicator.maxDeltaPacketSize;
  }
  set maxDeltaPacketSize(size: number) {
    this.#replicator.maxDeltaPacketSize = size;
  }

  /**
   * Budgets and thresholds (not in Godot): RPCs and bytes per second per peer and for the whole API,
   * and how many over-budget or malformed packets a peer may send per window before it is
   * disconnected. Assign a partial object: missing keys take `DEFAULT_LIMITS`; `UNLIMITED` turns
   * everything off (Godot's behaviour).
   */
  get limits(): MultiplayerLimits {
    return this.#limits;
  }
  set limits(limits: Partial<MultiplayerLimits>) {
    this.#limits = normalizeLimits(limits);
  }

  /** Sync before spawn (not in Godot): early SYNC/delta states held per peer until their SPAWN (default 64). */
  get maxHeldStates(): number {
    return this.#replicator.maxHeldStates;
  }
  set maxHeldStates(count: number) {
    if (!Number.isInteger(count) || count < 0) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'maxHeldStates must be an integer >= 0.');
    this.#replicator.maxHeldStates = count;
  }

  /** Sync-before-spawn counters: states held, applied after their SPAWN, dropped on overflow, stale. */
  get heldStateStats(): Readonly<HeldStateStats> {
    return this.#replicator.heldStats;
  }

  /** Godot property `refuse_new_connections`, forwarded to the peer. */
  get refuseNewConnections(): boolean {
    return this.#peer.refuseNewConnections;
  }
  set refuseNewConnections(refuse: boolean) {
    this.#peer.refuseNewConnections = refuse;
  }

  /** Godot: SceneMultiplayer::poll. */
  override poll(): ErrorCode {
    this.#updateStatus();
    if (this.#lastStatus === ConnectionStatus.DISCONNECTED) return ErrorCode.OK;
    this.#nowMs = this.#clock.nowMs();
    this.#peer.poll();
    this.#updateStatus();
    if (this.#lastStatus !== ConnectionStatus.CONNECTED) return ErrorCode.OK;
    while (this.#peer.getAvailablePacketCount() > 0) {
      const sender = this.#peer.getPacketPeer();
      const mode = this.#peer.getPacketMode();
      const channel = this.#peer.getPacketChannel();
      const packet = this.#peer.getPacket();
      if (!isPacket(packet)) return packet;
      this.#receive(sender, packet, mode, channel);
      // Processing a packet may have disconnected us.
      this.#updateStatus();
      if (this.#lastStatus !== ConnectionStatus.CONNECTED) break;
    }
    for (const id of this.#auth.expire()) {
      this.#peer.disconnectPeer(id);
      this.#closing(id);
      this.peerAuthenticationFailed.emit(id);
    }
    if (this.#lastStatus === ConnectionStatus.CONNECTED) this.#replicator.onNetworkProcess();
    return ErrorCode.OK;
  }

  override getUniqueId(): number {
    return this.#peer.getUniqueId();
  }
  override isServer(): boolean {
    return this.#peer.isServer();
  }
  /** Admitted peers (not those still authenticating). */
  override getPeers(): number[] {
    return [...this.#connected];
  }
  /** Godot: get_authenticating_peers. */
  getAuthenticatingPeers(): number[] {
    return this.#auth.pendingIds();
  }
  override getRemoteSenderId(): number {
    return this.#rpc.localSender || this.#remoteSender;
  }

  override rpcp(object: object, peer: number, method: string, args: readonly unknown[]): ErrorCode {
    const node = object as Node;
    if (!node.isInsideTree()) {
      this.#log.error('Trying to call an RPC on a node which is not inside SceneTree.');
      return ErrorCode.ERR_UNCONFIGURED;
    }
    if (this.#peer.getConnectionStatus() !== ConnectionStatus.CONNECTED) {
      this.#log.error('Trying to call an RPC via a multiplayer peer which is not connected.');
      return ErrorCode.ERR_CONNECTION_ERROR;
    }
    return this.#rpc.rpcp(node, peer, method, args);
  }

  /** Godot: send_bytes(bytes, id = 0, mode = RELIABLE, channel = 0). */
  sendBytes(bytes: Uint8Array, id: number = MultiplayerPeer.TARGET_PEER_BROADCAST, options: SendBytesOptions = {}): ErrorCode {
    if (bytes.length === 0) return this.#fail(ErrorCode.ERR_INVALID_DATA, 'Trying to send an empty raw packet.');
    if (this.#peer.getConnectionStatus() !== ConnectionStatus.CONNECTED) {
      return this.#fail(ErrorCode.ERR_UNCONFIGURED, 'Trying to send a raw packet via a multiplayer peer which is not connected.');
    }
    const packet = new Uint8Array(bytes.length + 1);
    packet[0] = Command.RAW;
    packet.set(bytes, 1);
    return this.#sendCommand(id, packet, options.mode ?? TransferMode.RELIABLE, options.channel ?? 0);
  }

  /** Godot: send_auth(id, data). */
  sendAuth(id: number, data: Uint8Array): ErrorCode {
    if (this.#peer.getConnectionStatus() !== ConnectionStatus.CONNECTED) return ErrorCode.ERR_UNCONFIGURED;
    return this.#report(this.#auth.sendAuth(id, data));
  }

  /** Godot: complete_auth(id). */
  completeAuth(id: number): ErrorCode {
    return this.#report(this.#auth.complete(id));
  }

  /** Godot: disconnect_peer(id): drops a connected or authenticating peer at the transport. */
  disconnectPeer(id: number): void {
    this.#peer.disconnectPeer(id);
    this.#closing(id);
  }

  /**
   * Godot: object_configuration_add. `(tree, rootPath)` sets the root (a NodePath or a string);
   * `(node, spawner)` starts spawning `node`; `(rootNode, synchronizer)` starts replicating it.
   * Spawners and synchronizers call this themselves.
   */
  override objectConfigurationAdd(object: object | null, config: unknown): ErrorCode {
    if (config instanceof NodePath || typeof config === 'string') {
      this.rootPath = config;
      this.#attachTree(object as SceneTree | null);
      return ErrorCode.OK;
    }
    if (config instanceof MultiplayerSpawner) return this.#replicator.onSpawn(object as Node, config);
    if (config instanceof MultiplayerSynchronizer) return this.#replicator.onReplicationStart(object as Node, config);
    return ErrorCode.ERR_INVALID_PARAMETER;
  }

  /** Godot: object_configuration_remove: the reverse of `objectConfigurationAdd`. */
  override objectConfigurationRemove(object: object | null, config: unknown): ErrorCode {
    if (config instanceof NodePath || typeof config === 'string') {
      if (this.#rootPath.equals(NodePath.from(config))) {
        this.#rootPath = NodePath.EMPTY;
        this.#attachTree(null);
      }
      return ErrorCode.OK;
    }
    if (config instanceof MultiplayerSpawner) return this.#replicator.onDespawn(object as Node, config);
    if (config instanceof MultiplayerSynchronizer) return this.#replicator.onReplicationStop(object as Node, config);
    return ErrorCode.ERR_INVALID_PARAMETER;
  }

  /** Godot: SceneMultiplayer::clear. Forgets peers, auth sessions and the path cache. */
  clear(): void {
    this.#connected.clear();
    this.#auth.clear();
    this.#cache.clear();
    this.#guards.clear();
    this.stats.clearPeers();
  }

  /** The RPC checksum Godot would compute for a node (for diagnostics and tests). */
  getRpcMd5(node: Node): string {
    return this.#rpc.getRpcMd5(node);
  }

  #attachTree(tree: SceneTree | null): void {
    this.#detachTree?.();
    this.#detachTree = null;
    this.#tree = tree;
    this.#rpc.forgetPaths();
    if (tree === null) return;
    const offRemoved = tree.nodeRemoved.connect((node) => {
      this.#cache.onNodeRemoved(node);
      this.#rpc.forgetPaths();
    });
    const offRenamed = tree.nodeRenamed.connect(() => this.#rpc.forgetPaths());
    this.#detachTree = () => {
      offRemoved();
      offRenamed();
    };
  }

  #rootNode(): Node | null {
    if (this.#tree === null || this.#rootPath.isEmpty()) return null;
    return this.#tree.root.getNodeOrNull(this.#rootPath);
  }

  /** Godot: _update_status. */
  #updateStatus(): void {
    const status = this.#peer.getConnectionStatus();
    if (status === this.#lastStatus) return;
    const previous = this.#lastStatus;
    this.#lastStatus = status;
    if (status !== ConnectionStatus.DISCONNECTED) return;
    this.clear();
    if (previous === ConnectionStatus.CONNECTING) this.connectionFailed.emit();
    else this.serverDisconnected.emit();
  }

  /** Godot: _add_peer. */
  #addPeer(id: number): void {
    const now = this.#clock.nowMs();
    this.#guards.set(id, new PeerGuard(this.stats.addPeer(id, now), this.#limits, now));
    if (this.#auth.callback !== null) {
      this.#auth.begin(id);
      this.peerAuthenticating.emit(id);
      return;
    }
    this.#admitPeer(id);
  }

  /** Godot: _admit_peer. */
  #admitPeer(id: number): void {
    if (this.#relaying() && this.isServer()) {
      for (const p of this.#connected) {
        this.#putDirect(p, sysPacket(SysCommand.ADD_PEER, id), TransferMode.RELIABLE, 0);
        this.#putDirect(id, sysPacket(SysCommand.ADD_PEER, p), TransferMode.RELIABLE, 0);
      }
    }
    this.#connected.add(id);
    this.#cache.onPeerChange(id, true);
    this.#replicator.onPeerChange(id, true);
    if (id === MultiplayerPeer.TARGET_PEER_SERVER) this.connectedToServer.emit();
    this.peerConnected.emit(id);
  }

  /** Godot: _del_peer. */
  #delPeer(id: number): void {
    this.#guards.delete(id);
    this.stats.removePeer(id);
    if (this.#auth.drop(id)) {
      this.peerAuthenticationFailed.emit(id);
      return;
    }
    if (!this.#connected.has(id)) return;
    if (this.#relaying() && this.isServer()) {
      for (const p of this.#connected) {
        if (p !== id) this.#putDirect(p, sysPacket(SysCommand.DEL_PEER, id), TransferMode.RELIABLE, 0);
      }
    }
    this.#replicator.onPeerChange(id, false);
    this.#cache.onPeerChange(id, false);
    this.#connected.delete(id);
    this.peerDisconnected.emit(id);
  }

  #relaying(): boolean {
    return this.serverRelay && this.#peer.isServerRelaySupported();
  }

  /** One packet from the transport (the loop body of Godot's poll). */
  #receive(sender: number, packet: Uint8Array, mode: TransferMode, channel: number): void {
    const guard = this.#guards.get(sender);
    const rpc = carriesRpc(packet);
    this.stats.countIn(guard?.stats, packet.length, rpc);
    if (guard?.closing === true) return;
    // A client trusts its server; everyone else has a budget.
    if (guard !== undefined && sender !== MultiplayerPeer.TARGET_PEER_SERVER && !this.#withinBudget(sender, guard, packet, rpc)) return;
    if (this.#auth.isPending(sender)) {
      const problem = this.#auth.receive(sender, packet);
      if (problem !== null) this.#log.error(problem);
      return;
    }
    if (!this.#connected.has(sender)) return;
    if (packet.length === 0) return this.#rejectMalformed(sender, 'Invalid packet received. Size too small.');
    this.#remoteSender = sender;
    this.#inGuard = guard;
    try {
      if ((packet[0]! & CMD_MASK) === Command.SYS) this.#processSys(sender, packet, mode, channel);
      else this.#processPacket(sender, packet);
    } finally {
      this.#remoteSender = 0;
      this.#inGuard = undefined;
    }
  }

  /** Godot: _process_packet. */
  #processPacket(from: number, packet: Uint8Array): void {
    if (this.#rootPath.isEmpty()) {
      this.#log.error('Multiplayer root was not initialized. If you are using custom multiplayer, remember to set the root path via SceneMultiplayer.set_root_path before using it.');
      return;
    }
    if (packet.length === 0) return this.#rejectMalformed(from, 'Invalid packet received. Size too small.');
    switch (packet[0]! & CMD_MASK) {
      case Command.SIMPLIFY_PATH:
        return this.#cache.processSimplifyPath(from, packet);
      case Command.CONFIRM_PATH:
        return this.#cache.processConfirmPath(from, packet);
      case Command.REMOTE_CALL:
        return this.#rpc.processRpc(from, packet);
      case Command.RAW:
        if (packet.length < 2) return this.#rejectMalformed(from, 'Invalid RAW packet: no data.');
        return this.peerPacket.emit(from, packet.slice(1));
      case Command.SPAWN:
      case Command.DESPAWN:
      case Command.SYNC:
        return this.#replicator.processPacket(from, packet[0]! & CMD_MASK, packet);
      default:
        return this.#rejectMalformed(from, `Invalid network command ${packet[0]! & CMD_MASK} from ${from}.`);
    }
  }

  /** Godot: _process_sys. */
  #processSys(from: number, packet: Uint8Array, mode: TransferMode, channel: number): void {
    if (packet.length >= 2 && packet[1] === SysCommand.AUTH) {
      // A late "auth complete" from an admitted peer is harmless; auth data after admission is not.
      if (packet.length > 2) this.#log.error(`Peer ${from} sent authentication data after it was admitted; dropped.`);
      return;
    }
    if (packet.length < SYS_CMD_SIZE) return this.#rejectMalformed(from, 'Invalid SYS packet: size too small.');
    const peer = decodeUint32(packet, 2) | 0; // i32 on the wire
    const fromServerToClient = this.#relaying() && this.getUniqueId() !== 1 && from === 1;
    switch (packet[1]) {
      case SysCommand.ADD_PEER:
        if (!fromServerToClient) return this.#log.error(`Unexpected ADD_PEER from peer ${from}; dropped.`);
        return this.#admitPeer(peer);
      case SysCommand.DEL_PEER:
        if (!fromServerToClient) return this.#log.error(`Unexpected DEL_PEER from peer ${from}; dropped.`);
        return this.#delPeer(peer);
      case SysCommand.RELAY:
        return this.#processRelay(from, peer, packet.subarray(SYS_CMD_SIZE), mode, channel);
      default:
        return this.#rejectMalformed(from, `Invalid SYS command ${packet[1]} from ${from}.`);
    }
  }

  /** Godot: _process_sys, SYS_COMMAND_RELAY (with the 4.4 negative-target rules, docs/wire/multiplayer.md §4.4). */
  #processRelay(from: number, peer: number, inner: Uint8Array, mode: TransferMode, channel: number): void {
    if (!this.#relaying()) return this.#log.error(`Relay packet from peer ${from} dropped: relay is disabled.`);
    if (inner.length < 1) return this.#rejectMalformed(from, 'Invalid RELAY packet: nothing to relay.');
    const innerIsSys = (inner[0]! & CMD_MASK) === Command.SYS;
    let source = peer;
    let process = false;
    if (this.getUniqueId() === 1) {
      // Godot forwards anything; a relayed SYS packet is never valid, so it stops here.
      if (innerIsSys) return this.#rejectMalformed(from, 'A relayed packet may not be a SYS packet.');
      const forward = sysPacket(SysCommand.RELAY, from, inner);
      if (peer > 0) {
        if (this.#connected.has(peer)) this.#putDirect(peer, forward, mode, channel);
      } else {
        for (const p of this.#connected) {
          if (p === from || (peer < 0 && p === -peer)) continue;
          this.#putDirect(p, forward, mode, channel);
        }
        process = peer === 0 || peer < -1;
        source = from;
      }
    } else {
      if (from !== 1) return this.#log.error(`Relay packet from non-server peer ${from}; dropped.`);
      process = true;
    }
    if (!process) return;
    // On a client the server only forwarded it: never disconnect from the server for another's packet.
    if (innerIsSys) return this.#log.error(`Relayed SYS packet from peer ${source} dropped.`);
    this.#remoteSender = source;
    this.#processPacket(source, inner);
  }

  /** Godot: SceneMultiplayer::send_command (relay rules of docs/wire/multiplayer.md §4.4). */
  #sendCommand(to: number, packet: Uint8Array, mode: TransferMode, channel: number): ErrorCode {
    if (this.#relaying() && this.getUniqueId() !== 1 && to !== 1) {
      return this.#putDirect(1, sysPacket(SysCommand.RELAY, to, packet), mode, channel);
    }
    if (to > 0) {
      if (!this.#connected.has(to)) return ErrorCode.ERR_BUG;
      return this.#putDirect(to, packet, mode, channel);
    }
    for (const p of this.#connected) {
      if (to !== 0 && p === -to) continue;
      this.#putDirect(p, packet, mode, channel);
    }
    return ErrorCode.OK;
  }

  #putDirect(to: number, packet: Uint8Array, mode: TransferMode, channel: number): ErrorCode {
    this.#peer.transferMode = mode;
    this.#peer.transferChannel = channel;
    this.#peer.setTargetPeer(to);
    const err = this.#peer.putPacket(packet);
    if (err === ErrorCode.OK) this.stats.countOut(this.#guards.get(to)?.stats, packet.length, carriesRpc(packet));
    return err;
  }

  #closing(id: number): void {
    const guard = this.#guards.get(id);
    if (guard !== undefined) guard.closing = true;
  }

  /** Takes a packet's cost from the peer's and the API's budgets; false (counted, maybe disconnecting) when over. */
  #withinBudget(sender: number, guard: PeerGuard, packet: Uint8Array, rpc: boolean): boolean {
    const l = this.#limits;
    const now = this.#nowMs;
    let over: string | null = null;
    if (rpc && !guard.rpcs.take(1, l.peerRpcsPerSecond, l.peerRpcBurst, now)) over = `its budget of ${l.peerRpcsPerSecond} RPCs/s`;
    else if (!guard.bytes.take(packet.length, l.peerBytesPerSecond, l.peerBytesBurst, now)) over = `its budget of ${l.peerBytesPerSecond} bytes/s`;
    else if (rpc && !this.#totalRpcs.take(1, l.totalRpcsPerSecond, l.totalRpcBurst, now)) over = `the API's budget of ${l.totalRpcsPerSecond} RPCs/s`;
    else if (!this.#totalBytes.take(packet.length, l.totalBytesPerSecond, l.totalBytesBurst, now)) over = `the API's budget of ${l.totalBytesPerSecond} bytes/s`;
    if (over === null) return true;
    this.stats.countDrop(guard.stats, DropReason.RATE_LIMITED);
    if (guard.rateLimited.add(now, l.windowMs) > l.rateLimitedPerWindow) {
      this.#log.error(`Peer ${sender} sent more than ${l.rateLimitedPerWindow} packets over budget within ${l.windowMs} ms. Disconnecting peer ${sender}.`);
      this.#peer.disconnectPeer(sender);
      guard.closing = true;
    } else if (guard.firstOf(DropReason.RATE_LIMITED)) {
      this.#log.error(`Peer ${sender} is over ${over}: its excess packets are dropped (counted, logged once).`);
    }
    return false;
  }

  /** A refused packet or call: counted against the link it came in on (else `from`), logged always or once per peer and reason. */
  #refuse(from: number, reason: DropReason, message: string | null, once: boolean): void {
    const link = this.#inGuard ?? this.#guards.get(from);
    this.stats.countDrop(link?.stats, reason);
    if (message !== null && (!once || link === undefined || link.firstOf(reason))) this.#log.error(message);
  }

  /**
   * A structurally invalid packet: dropped and counted; logged the first time per peer; its sender is
   * disconnected once it sent more than `limits.malformedPerWindow` in a window. A client never
   * disconnects from its server for a packet the server only relayed.
   */
  // Divergence from Godot: Godot only drops; past the threshold (default 10 per 10 s) we disconnect.
  #rejectMalformed(from: number, reason: string): void {
    const link = this.#inGuard ?? this.#guards.get(from);
    this.stats.countDrop(link?.stats, DropReason.MALFORMED);
    const own = this.#guards.get(from);
    const l = this.#limits;
    if ((this.isServer() || from === MultiplayerPeer.TARGET_PEER_SERVER) && own !== undefined && own.malformed.add(this.#nowMs, l.windowMs) > l.malformedPerWindow) {
      this.#log.error(`${reason} Disconnecting peer ${from}.`);
      this.#peer.disconnectPeer(from);
      own.closing = true;
    } else if (link === undefined || link.firstOf(DropReason.MALFORMED)) {
      this.#log.error(`${reason} Dropped; further malformed packets from peer ${from} are counted, not logged (disconnected past ${l.malformedPerWindow} in ${l.windowMs} ms).`);
    }
  }

  #fail(code: ErrorCode, message: string): ErrorCode {
    this.#log.error(message);
    return code;
  }

  #report(result: ErrorCode | { code: ErrorCode; message: string }): ErrorCode {
    if (typeof result === 'number') return result;
    return this.#fail(result.code, result.message);
  }
}

/** Whether a packet carries a REMOTE_CALL, directly or inside a RELAY. */
function carriesRpc(packet: Uint8Array): boolean {
  const cmd = packet[0]! & CMD_MASK;
  if (cmd === Command.REMOTE_CALL) return true;
  return cmd === Command.SYS && packet[1] === SysCommand.RELAY && packet.length > SYS_CMD_SIZE && (packet[SYS_CMD_SIZE]! & CMD_MASK) === Command.REMOTE_CALL;
}
