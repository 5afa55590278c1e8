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
  logFailure,
  type Clock,
  type Logger,
} from '../../core/index.js';
import type { Node } from '../node.js';
import type { SceneTree } from '../scene-tree.js';
import { AuthSessions, type AuthCallback } from './auth-sessions.js';
import { DEFAULT_MAX_HELD_STATES, type HeldStateStats } from './held-states.js';
import { CMD_MASK, Command, SYS_CMD_SIZE, SysCommand, sysPacket } from './commands.js';
import type { MultiplayerContext } from './multiplayer-context.js';
import { DEFAULT_DELTA_MTU, DEFAULT_SYNC_MTU, checkMtu, replicationFactory } from './replication-hook.js';
import { SceneCacheInterface } from './scene-cache-interface.js';
import type { SceneReplicationInterface } from './scene-replication-interface.js';
import { SceneRPCInterface } from './scene-rpc-interface.js';
import type { DropReason } from './drop-reason.js';
import type { MultiplayerStats } from './multiplayer-stats.js';
import type { MultiplayerLimits } from './peer-limits.js';
import { policyFactory, type MultiplayerPolicy } from './policy-hook.js';

/** Dependencies of a SceneMultiplayer; all optional. */
export interface SceneMultiplayerOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Budgets and disconnection thresholds (see `limits`); missing keys take `DEFAULT_LIMITS`. Needs the
   * server policy (`installServerPolicy()`).
   */
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
 * Beyond Godot (local policy, no byte changes on the wire): with the server policy installed
 * (`installServerPolicy()`, as the game server does; server-policy.ts), traffic and drop counters
 * (`stats`), per-peer and per-API budgets (`limits`), disconnection of a peer that keeps sending
 * malformed packets, and checks of declared RPC argument types. Always: a malformed or refused packet
 * is logged once per peer; an RPC checksum mismatch names the methods that differ when it can tell.
 */
export class SceneMultiplayer extends MultiplayerAPI {
  readonly peerAuthenticating = new Signal<[id: number]>();
  readonly peerAuthenticationFailed = new Signal<[id: number]>();
  readonly peerPacket = new Signal<[id: number, packet: Uint8Array]>();

  /** Godot property `allow_object_decoding` (off by default: full objects are a code-execution risk). */
  allowObjectDecoding = false;
  /** Godot property `server_relay`; must match on both ends. */
  serverRelay = true;

  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #ctx: MultiplayerContext;
  readonly #rpc: SceneRPCInterface;
  readonly #cache: SceneCacheInterface;
  /** Made on first use by a spawner or synchronizer (replication-hook.ts), so clients without one never load it. */
  #replicator: SceneReplicationInterface | null = null;
  #syncMtu = DEFAULT_SYNC_MTU;
  #deltaMtu = DEFAULT_DELTA_MTU;
  #maxHeldStates = DEFAULT_MAX_HELD_STATES;
  readonly #auth: AuthSessions;
  #peer: MultiplayerPeer = new OfflineMultiplayerPeer();
  #lastStatus: ConnectionStatus = ConnectionStatus.CONNECTED;
  readonly #connected = new Set<number>();
  #remoteSender = 0;
  /** The server policy, when installed before this API was made (policy-hook.ts). */
  readonly #policy: MultiplayerPolicy | null;
  /** Peers this side disconnected: packets still queued from them are ignored. */
  readonly #closingIds = new Set<number>();
  /** Without a policy: the drop reasons already logged per peer (each is logged once). */
  readonly #logged = new Map<number, Set<string>>();
  #rootPath = NodePath.EMPTY;
  #tree: SceneTree | null = null;
  #detachTree: (() => void) | null = null;
  readonly #onPeerConnected = (id: number): void => this.#addPeer(id);
  readonly #onPeerDisconnected = (id: number): void => this.#delPeer(id);

  constructor(options: SceneMultiplayerOptions = {}) {
    super();
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#policy =
      policyFactory()?.(
        { log: this.#log, clock: this.#clock, isServer: () => this.isServer(), disconnectPeer: (id) => this.disconnectPeer(id) },
        options.limits ?? {},
      ) ?? null;
    // A limit given without the policy would be silently ignored: refuse it.
    if (options.limits !== undefined) this.#needPolicy('limits');
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
      checkArguments: (types, args) => this.#policy?.checkArguments(types, args) ?? null,
      // Godot: "The rpc node checksum failed. Make sure to have the same methods on both nodes."
      describeMismatch: (path, table, md5) =>
        this.#policy?.describeMismatch(path, table, md5) ??
        `RPC checksum mismatch for node "${path}": make sure both sides have the same RPC methods.`,
    };
    this.#rpc = new SceneRPCInterface(this.#ctx, {
      get allowObjectDecoding() {
        return self.allowObjectDecoding;
      },
      isRpcVisible: (node, peer) => this.#replicator?.isRpcVisible(node, peer) ?? true,
    });
    this.#cache = new SceneCacheInterface(this.#ctx, this.#rpc);
    this.#rpc.setCache(this.#cache);
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
    this.#replicator?.onReset();
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
    if (!(seconds >= 0))
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Timeout must be greater or equal to 0 (where 0 means no timeout)');
    this.#auth.timeoutSeconds = seconds;
  }

  /** Godot property `max_sync_packet_size`: SYNC packets are split to stay under it (default 1350, at least 128). */
  get maxSyncPacketSize(): number {
    return this.#syncMtu;
  }
  set maxSyncPacketSize(size: number) {
    this.#syncMtu = checkMtu(size);
    if (this.#replicator !== null) this.#replicator.maxSyncPacketSize = size;
  }

  /** Godot property `max_delta_packet_size`: delta packets are split to stay under it (default 65535, at least 128). */
  get maxDeltaPacketSize(): number {
    return this.#deltaMtu;
  }
  set maxDeltaPacketSize(size: number) {
    this.#deltaMtu = checkMtu(size);
    if (this.#replicator !== null) this.#replicator.maxDeltaPacketSize = size;
  }

  /**
   * Budgets and thresholds (not in Godot): RPCs and bytes per second per peer and for the whole API,
   * and how many over-budget or malformed packets a peer may send per window before it is
   * disconnected. Assign a partial object: missing keys take `DEFAULT_LIMITS`; `UNLIMITED` turns
   * everything off (Godot's behaviour). Needs the server policy (`installServerPolicy()`); reading or
   * setting it without throws `ERR_UNCONFIGURED`.
   */
  get limits(): MultiplayerLimits {
    return this.#needPolicy('limits').limits;
  }
  set limits(limits: Partial<MultiplayerLimits>) {
    this.#needPolicy('limits').limits = limits;
  }

  /** Traffic and drop counters, in total and per connected peer (not in Godot; needs the server policy). */
  get stats(): MultiplayerStats {
    return this.#needPolicy('stats').stats;
  }

  /** Sync before spawn (not in Godot): early SYNC/delta states held per peer until their SPAWN (default 64). */
  get maxHeldStates(): number {
    return this.#maxHeldStates;
  }
  set maxHeldStates(count: number) {
    if (!Number.isInteger(count) || count < 0)
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'maxHeldStates must be an integer >= 0.');
    this.#maxHeldStates = count;
    if (this.#replicator !== null) this.#replicator.maxHeldStates = count;
  }

  /**
   * SIMPLIFY_PATHs per peer that may wait for their node to enter the tree (default 64; not in Godot,
   * which drops them with "Node not found"). 0 restores Godot's behaviour.
   */
  get maxWaitingPaths(): number {
    return this.#cache.maxWaitingPaths;
  }
  set maxWaitingPaths(count: number) {
    if (!Number.isInteger(count) || count < 0)
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'maxWaitingPaths must be an integer >= 0.');
    this.#cache.maxWaitingPaths = count;
  }

  /** Sync-before-spawn counters: states held, applied after their SPAWN, dropped on overflow, stale. */
  get heldStateStats(): Readonly<HeldStateStats> {
    return this.#cache.heldStats;
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
    this.#policy?.beginPoll();
    this.#peer.poll();
    this.#updateStatus();
    if (this.#lastStatus !== ConnectionStatus.CONNECTED) return ErrorCode.OK;
    this.#cache.resolveWaiting();
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
    if (this.#lastStatus === ConnectionStatus.CONNECTED) this.#replicator?.onNetworkProcess();
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
    if (bytes.length === 0) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_DATA, 'Trying to send an empty raw packet.', 'error');
    if (this.#peer.getConnectionStatus() !== ConnectionStatus.CONNECTED) {
      return logFailure(
        this.#log,
        '',
        ErrorCode.ERR_UNCONFIGURED,
        'Trying to send a raw packet via a multiplayer peer which is not connected.',
        'error',
      );
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
    return this.#replication()?.onConfigurationAdd(object, config) ?? ErrorCode.ERR_INVALID_PARAMETER;
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
    return this.#replicator?.onConfigurationRemove(object, config) ?? ErrorCode.ERR_INVALID_PARAMETER;
  }

  /** Godot: SceneMultiplayer::clear. Forgets peers, auth sessions and the path cache. */
  clear(): void {
    this.#connected.clear();
    this.#auth.clear();
    this.#cache.clear();
    this.#closingIds.clear();
    this.#logged.clear();
    this.#policy?.clear();
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
    const offAdded = tree.nodeAdded.connect(() => this.#cache.onNodeAdded());
    this.#detachTree = () => {
      offRemoved();
      offRenamed();
      offAdded();
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
    this.#policy?.addPeer(id);
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
    this.#replicator?.onPeerChange(id, true);
    if (id === MultiplayerPeer.TARGET_PEER_SERVER) this.connectedToServer.emit();
    this.peerConnected.emit(id);
  }

  /** Godot: _del_peer. */
  #delPeer(id: number): void {
    this.#closingIds.delete(id);
    this.#logged.delete(id);
    this.#policy?.removePeer(id);
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
    this.#replicator?.onPeerChange(id, false);
    this.#cache.onPeerChange(id, false);
    this.#connected.delete(id);
    this.peerDisconnected.emit(id);
  }

  #relaying(): boolean {
    return this.serverRelay && this.#peer.isServerRelaySupported();
  }

  /** One packet from the transport (the loop body of Godot's poll). */
  #receive(sender: number, packet: Uint8Array, mode: TransferMode, channel: number): void {
    const closing = this.#closingIds.has(sender);
    if (this.#policy === null ? closing : !this.#policy.receive(sender, packet, closing)) return;
    if (this.#auth.isPending(sender)) {
      const problem = this.#auth.receive(sender, packet);
      if (problem !== null) this.#log.error(problem);
      return;
    }
    if (!this.#connected.has(sender)) return;
    if (packet.length === 0) return this.#rejectMalformed(sender, 'Invalid packet received. Size too small.');
    this.#remoteSender = sender;
    this.#policy?.enter(sender);
    try {
      if ((packet[0]! & CMD_MASK) === Command.SYS) this.#processSys(sender, packet, mode, channel);
      else this.#processPacket(sender, packet);
    } finally {
      this.#remoteSender = 0;
      this.#policy?.enter(0);
    }
  }

  /** Godot: _process_packet. */
  #processPacket(from: number, packet: Uint8Array): void {
    if (this.#rootPath.isEmpty()) {
      this.#log.error(
        'Multiplayer root was not initialized. If you are using custom multiplayer, remember to set the root path via SceneMultiplayer.set_root_path before using it.',
      );
      return;
    }
    if (packet.length === 0) return this.#rejectMalformed(from, 'Invalid packet received. Size too small.');
    switch (packet[0]! & CMD_MASK) {
      case Command.SIMPLIFY_PATH:
        this.#replication(); // its waiting paths (sync before spawn), when this program has replication
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
        return this.#processReplication(from, packet);
      default:
        return this.#rejectMalformed(from, `Invalid network command ${packet[0]! & CMD_MASK} from ${from}.`);
    }
  }

  /** SPAWN, DESPAWN and SYNC: only a program that made a spawner or synchronizer can act on them. */
  // Divergence from Godot: the replication interface is made on first use (replication-hook.ts), not in
  // the constructor; without one these packets are dropped with one error (Godot fails the spawner lookup).
  #processReplication(from: number, packet: Uint8Array): void {
    const replicator = this.#replication();
    if (replicator === null) {
      this.#log.error(`Replication packet from peer ${from} dropped: this program has no MultiplayerSpawner or MultiplayerSynchronizer.`);
      return;
    }
    replicator.processPacket(from, packet[0]! & CMD_MASK, packet);
  }

  /** The replication interface, made on first need once a spawner or synchronizer exists; it learns the peers already here. */
  #replication(): SceneReplicationInterface | null {
    if (this.#replicator !== null) return this.#replicator;
    const make = replicationFactory();
    if (make === null) return null;
    const replicator = make(this.#ctx, this.#cache, this.#clock);
    replicator.maxSyncPacketSize = this.#syncMtu;
    replicator.maxDeltaPacketSize = this.#deltaMtu;
    replicator.maxHeldStates = this.#maxHeldStates;
    for (const id of this.#connected) replicator.onPeerChange(id, true);
    this.#replicator = replicator;
    return replicator;
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
    if (err === ErrorCode.OK) this.#policy?.sent(to, packet);
    return err;
  }

  #closing(id: number): void {
    if (this.#connected.has(id) || this.#auth.isPending(id)) this.#closingIds.add(id);
  }

  /** A refused packet or call: the policy's, or logged (always, or once per peer and reason). */
  #refuse(from: number, reason: DropReason, message: string | null, once: boolean): void {
    if (this.#policy !== null) return this.#policy.refuse(from, reason, message, once);
    if (message !== null && (!once || this.#firstOf(from, reason))) this.#log.error(message);
  }

  /** A structurally invalid packet: the policy's, or dropped and logged once per peer (Godot drops it). */
  #rejectMalformed(from: number, reason: string): void {
    if (this.#policy !== null) return this.#policy.rejectMalformed(from, reason);
    if (this.#firstOf(from, 'malformed')) this.#log.error(`${reason} Dropped; further malformed packets from peer ${from} are not logged.`);
  }

  /** True the first time it is asked for this peer and reason (without a policy). */
  #firstOf(from: number, reason: string): boolean {
    let seen = this.#logged.get(from);
    if (seen === undefined) this.#logged.set(from, (seen = new Set()));
    if (seen.has(reason)) return false;
    seen.add(reason);
    return true;
  }

  #needPolicy(what: string): MultiplayerPolicy {
    if (this.#policy !== null) return this.#policy;
    throw new MultiplayerError(
      ErrorCode.ERR_UNCONFIGURED,
      `SceneMultiplayer ${what} need the server policy: call installServerPolicy() (scenenet/scenetree) before making the SceneMultiplayer (GameServer does).`,
    );
  }

  #report(result: ErrorCode | { code: ErrorCode; message: string }): ErrorCode {
    if (typeof result === 'number') return result;
    return logFailure(this.#log, '', result.code, result.message, 'error');
  }
}
