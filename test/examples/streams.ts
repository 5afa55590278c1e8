import { ErrorCode } from '../../core/index.js';
import { TCPServer } from '../../plugins/net/index.js';
import { State, WebSocketPeer } from '../../plugins/websocket/index.js';

const tcpServer = new TCPServer();
const socket = new WebSocketPeer();
if ((await tcpServer.listen(0)) !== ErrorCode.OK) throw new Error('Unable to start server.');

const client = new WebSocketPeer(); // someone to talk to (a Godot WebSocketPeer would do the same)
client.connectToUrl(`ws://127.0.0.1:${tcpServer.getLocalPort()}`);
let said = false;
const received: unknown[] = [];

while (received.length === 0) {
  while (tcpServer.isConnectionAvailable()) socket.acceptStream(tcpServer.takeConnection());
  socket.poll();
  if (socket.getReadyState() === State.OPEN) {
    while (socket.getAvailablePacketCount()) received.push(socket.getPacket());
  }
  client.poll();
  if (!said && client.getReadyState() === State.OPEN) said = client.sendText('hello') === ErrorCode.OK;
  await new Promise((resolve) => setTimeout(resolve, 16));
}
console.log(`got ${received.length} packet: ${new TextDecoder().decode(received[0] as Uint8Array)}`);
client.close();
socket.close();
tcpServer.stop();
