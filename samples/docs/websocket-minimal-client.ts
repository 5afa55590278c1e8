/**
 * The client beside Godot's minimal WebSocket server (godot-demo-projects networking/websocket_minimal,
 * client.gd), line for line.
 */
import { ErrorCode, isPacket } from '../../core/index.js';
import { Node } from '../../scenetree/index.js';
import { State, WebSocketPeer } from '../../plugins/websocket/index.js';
import { TextLabel, getStringFromAscii, getTimeStringFromSystem } from './text-label.js';

export class Client extends Node {
  /** The URL we will connect to. */
  websocketUrl = 'ws://localhost:9080';
  socket = new WebSocketPeer();
  /** The scene's `%TextClient` label. */
  readonly textClient = new TextLabel();

  logMessage(message: string): void {
    const time = `[color=#aaaaaa] ${getTimeStringFromSystem()} |[/color] `;
    this.textClient.text += time + message + '\n';
  }

  override _ready(): void {
    if (this.socket.connectToUrl(this.websocketUrl) !== ErrorCode.OK) {
      this.logMessage('Unable to connect.');
      this.setProcess(false);
    }
  }

  override _process(_delta: number): void {
    this.socket.poll();

    if (this.socket.getReadyState() === State.OPEN) {
      while (this.socket.getAvailablePacketCount()) {
        const packet = this.socket.getPacket(); // scenenet: get_packet() may return an error code
        if (isPacket(packet)) this.logMessage(getStringFromAscii(packet));
      }
    }
  }

  override _exitTree(): void {
    this.socket.close();
  }

  _onButtonPingPressed(): void {
    this.socket.sendText('Ping');
  }
}
