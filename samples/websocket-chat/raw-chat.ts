/**
 * Godot's websocket_chat demo in raw mode: a server that accepts TCP itself and hands each stream to a
 * `WebSocketPeer` (Godot's websocket_server.gd: TCPServer + accept_stream), and a client on
 * `WebSocketPeer.connectToUrl` (websocket_client.gd). The server prefixes each message with the
 * sender's id and sends it to everyone.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ErrorCode, isPacket } from '../../core/index.js';
import { State, WebSocketPeer } from '../../plugins/websocket/index.js';

/** Where chat lines go (stdout in the CLI). */
export type Print = (line: string) => void;

const decoder = new TextDecoder();

/** The raw chat server: polled like Godot's demo, one `WebSocketPeer` per accepted TCP stream. */
export class RawChatServer {
  readonly #print: Print;
  #tcp: Server | null = null;
  #accepted: Socket[] = [];
  #pending: WebSocketPeer[] = [];
  #peers = new Map<number, WebSocketPeer>();
  #nextId = 2;

  constructor(print: Print) {
    this.#print = print;
  }

  /** Listens on `port` (0 = any); resolves with the bound port, or -1. */
  async listen(port: number): Promise<number> {
    const tcp = createServer((socket) => this.#accepted.push(socket));
    const bound = await new Promise<number>((resolve) => {
      tcp.once('error', (err) => {
        this.#print(`[server] cannot listen: ${err.message}`);
        resolve(-1);
      });
      tcp.listen(port, () => resolve((tcp.address() as AddressInfo).port));
    });
    if (bound >= 0) this.#tcp = tcp;
    return bound;
  }

  poll(): void {
    for (const socket of this.#accepted.splice(0)) {
      const ws = new WebSocketPeer();
      if (ws.acceptStream(socket) === ErrorCode.OK) this.#pending.push(ws);
      else socket.destroy();
    }
    this.#pending = this.#pending.filter((ws) => {
      ws.poll();
      if (ws.getReadyState() === State.CONNECTING) return true;
      if (ws.getReadyState() === State.OPEN) {
        const id = this.#nextId++;
        this.#peers.set(id, ws);
        this.#print(`[server] peer ${id} connected`);
      }
      return false;
    });
    for (const [id, ws] of this.#peers) {
      ws.poll();
      for (let p = ws.getPacket(); isPacket(p); p = ws.getPacket()) this.#broadcast(`${id}: ${decoder.decode(p)}`);
      if (ws.getReadyState() === State.CLOSED) {
        this.#peers.delete(id);
        this.#print(`[server] peer ${id} disconnected (code ${ws.getCloseCode()})`);
      }
    }
  }

  #broadcast(line: string): void {
    this.#print(`[server] ${line}`);
    for (const ws of this.#peers.values()) ws.sendText(line);
  }

  close(): void {
    for (const ws of [...this.#pending, ...this.#peers.values()]) ws.close(-1);
    for (const socket of this.#accepted.splice(0)) socket.destroy();
    this.#pending = [];
    this.#peers.clear();
    this.#tcp?.close();
    this.#tcp = null;
  }
}

/** The raw chat client: sends its lines once open, prints what the server broadcasts. */
export class RawChatClient {
  readonly #print: Print;
  readonly #label: string;
  readonly #ws = new WebSocketPeer();
  #outbox: string[];
  #state: State = State.CLOSED;
  /** True once the connection opened. */
  connected = false;

  constructor(print: Print, name: string, say: readonly string[]) {
    this.#print = print;
    this.#label = `[client ${name}]`;
    this.#outbox = [...say];
  }

  connect(url: string): ErrorCode {
    const err = this.#ws.connectToUrl(url);
    if (err !== ErrorCode.OK) this.#print(`${this.#label} cannot connect to ${url} (error ${err})`);
    return err;
  }

  /** Queues a line (sent once open). */
  say(text: string): void {
    this.#outbox.push(text);
  }

  poll(): void {
    this.#ws.poll();
    const state = this.#ws.getReadyState();
    if (state !== this.#state) this.#onState(state);
    if (state !== State.OPEN) return;
    for (const line of this.#outbox.splice(0)) this.#ws.sendText(line);
    for (let p = this.#ws.getPacket(); isPacket(p); p = this.#ws.getPacket()) this.#print(`${this.#label} ${decoder.decode(p)}`);
  }

  #onState(state: State): void {
    this.#state = state;
    if (state === State.OPEN) {
      this.connected = true;
      this.#print(`${this.#label} connected`);
    } else if (state === State.CLOSED) {
      this.#print(`${this.#label} disconnected (code ${this.#ws.getCloseCode()})`);
    }
  }

  close(): void {
    this.#ws.close(-1);
  }
}
