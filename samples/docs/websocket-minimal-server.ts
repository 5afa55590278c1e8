/**
 * Godot's "Using WebSockets" minimal server (godot-demo-projects networking/websocket_minimal,
 * server.gd), line for line: a TCPServer accepts TCP connections and hands each one to a
 * WebSocketPeer with `acceptStream`. Lines that differ say why (`scenenet:`).
 */
import { ErrorCode, isPacket } from '../../core/index.js';
import { Node } from '../../scenetree/index.js';
import { TCPServer, type StreamPeerTCP } from '../../plugins/net/index.js';
import { State, WebSocketPeer } from '../../plugins/websocket/index.js';
import { TextLabel, getStringFromAscii, getTimeStringFromSystem } from './text-label.js';

/** The port the server will listen on. */
export const PORT = 9080;

export class Server extends Node {
  tcpServer = new TCPServer();
  socket = new WebSocketPeer();
  /** The scene's `%TextServer` label. */
  readonly textServer = new TextLabel();
  /** scenenet: where to listen (the demo listens on PORT on every interface). */
  port = PORT;
  bindAddress = '*';

  logMessage(message: string): void {
    const time = `[color=#aaaaaa] ${getTimeStringFromSystem()} |[/color] `;
    this.textServer.text += time + message + '\n';
  }

  // scenenet: async, because Node binds sockets asynchronously (`listen` resolves with the code).
  override async _ready(): Promise<void> {
    if ((await this.tcpServer.listen(this.port, this.bindAddress)) !== ErrorCode.OK) {
      this.logMessage('Unable to start server.');
      this.setProcess(false);
    }
  }

  override _process(_delta: number): void {
    while (this.tcpServer.isConnectionAvailable()) {
      const conn: StreamPeerTCP | null = this.tcpServer.takeConnection();
      console.assert(conn !== null);
      this.socket.acceptStream(conn);
    }

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
    this.tcpServer.stop();
  }

  _onButtonPongPressed(): void {
    this.socket.sendText('Pong');
  }
}
