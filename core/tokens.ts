import type { MultiplayerAPI } from './multiplayer-api.js';
import type { MultiplayerPeer } from './multiplayer-peer.js';

/** Service identifiers of the container (docs/architecture.md §5). */
export const TOKENS = {
  Clock: Symbol.for('scenenet:Clock'),
  Logger: Symbol.for('scenenet:Logger'),
  Rng: Symbol.for('scenenet:Rng'),
  /** Multi-bound: one per transport plugin. */
  PeerFactory: Symbol.for('scenenet:PeerFactory'),
  MultiplayerAPIFactory: Symbol.for('scenenet:MultiplayerAPIFactory'),
  /** Bound by scenetreeModule. */
  SceneTree: Symbol.for('scenenet:SceneTree'),
} as const;

/** A named way to make a transport's peer, so programs can pick a transport by name. */
export interface PeerFactory<P extends MultiplayerPeer = MultiplayerPeer> {
  readonly name: string;
  create(): P;
}

/** Makes the default high-level API (Godot: MultiplayerAPI::create_default_interface). */
export interface MultiplayerAPIFactory {
  create(): MultiplayerAPI;
}
