import { ErrorCode } from './error-code.js';
import { ConnectionStatus, MultiplayerPeer, TransferMode } from './multiplayer-peer.js';

/**
 * Godot: OfflineMultiplayerPeer (modules/multiplayer/scene_multiplayer.h). The null-object peer:
 * always connected, always the server (id 1), never has packets; sent packets go nowhere.
 */
export class OfflineMultiplayerPeer extends MultiplayerPeer {
  setTargetPeer(_id: number): void {}
  getPacketPeer(): number {
    return 0;
  }
  getPacketMode(): TransferMode {
    return TransferMode.RELIABLE;
  }
  getPacketChannel(): number {
    return 0;
  }
  getAvailablePacketCount(): number {
    return 0;
  }
  getMaxPacketSize(): number {
    return 0;
  }
  getPacket(): Uint8Array | ErrorCode {
    return ErrorCode.ERR_UNAVAILABLE;
  }
  putPacket(_packet: Uint8Array): ErrorCode {
    return ErrorCode.OK;
  }
  disconnectPeer(_id: number, _force?: boolean): void {}
  isServer(): boolean {
    return true;
  }
  poll(): void {}
  close(): void {}
  getUniqueId(): number {
    return MultiplayerPeer.TARGET_PEER_SERVER;
  }
  getConnectionStatus(): ConnectionStatus {
    return ConnectionStatus.CONNECTED;
  }
}
