/**
 * Godot's websocket_chat demo in multiplayer mode: a SceneTree per participant, SceneMultiplayer on a
 * WebSocketMultiplayerPeer, and a `Chat` node whose RPCs carry the lines. Clients call `post` on the
 * server; the server calls `message` on everyone (itself included, `call_local`).
 */
import { ErrorCode, RPCMode } from '../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';
import type { Print } from './raw-chat.js';

/** `/root/Chat`: the chat room. */
export class Chat extends Node {
  readonly #print: Print;
  readonly #label: string;

  constructor(print: Print, label: string) {
    super('Chat');
    this.#print = print;
    this.#label = label;
    this.rpcConfig('post', { rpcMode: RPCMode.ANY_PEER });
    this.rpcConfig('message', { rpcMode: RPCMode.AUTHORITY, callLocal: true });
  }

  /** Runs on the server: a client's line, relayed to everyone with the sender's id. */
  post(text: string): void {
    this.rpc('message', `${this.multiplayer!.getRemoteSenderId()}: ${text}`);
  }

  /** Runs everywhere: prints a line the server sent. */
  message(line: string): void {
    this.#print(`${this.#label} ${line}`);
  }
}

/** One participant: its own SceneTree, peer and Chat node. */
export interface Participant {
  readonly tree: SceneTree;
  readonly peer: WebSocketMultiplayerPeer;
  readonly chat: Chat;
  /** True once connected (clients) or listening (server). */
  ok: boolean;
  /** Sends a chat line to the server (queued until connected). */
  say(text: string): void;
}

function participant(print: Print, label: string): Participant {
  const tree = new SceneTree();
  const chat = new Chat(print, label);
  tree.root.addChild(chat);
  const outbox: string[] = [];
  const p: Participant = {
    tree,
    peer: new WebSocketMultiplayerPeer(),
    chat,
    ok: false,
    say(text) {
      if (p.ok) chat.rpcId(1, 'post', text);
      else outbox.push(text);
    },
  };
  tree.getMultiplayer().connectedToServer.connect(() => {
    for (const text of outbox.splice(0)) chat.rpcId(1, 'post', text);
  });
  return p;
}

/** Starts the chat server on `port`; `ok` is false if binding failed. */
export async function startServer(print: Print, port: number): Promise<Participant & { port: number }> {
  const p = participant(print, '[server]');
  const err = await p.peer.createServer(port);
  if (err !== ErrorCode.OK) {
    print(`[server] cannot listen on port ${port} (error ${err})`);
    return { ...p, port: -1 };
  }
  const mp = p.tree.getMultiplayer();
  mp.multiplayerPeer = p.peer;
  mp.peerConnected.connect((id) => print(`[server] peer ${id} connected`));
  mp.peerDisconnected.connect((id) => print(`[server] peer ${id} disconnected`));
  p.ok = true;
  return { ...p, port: p.peer.getLocalPort() };
}

/** Starts a client that says each of `say` once connected. */
export function startClient(print: Print, name: string, url: string, say: readonly string[]): Participant {
  const label = `[client ${name}]`;
  const p = participant(print, label);
  if (p.peer.createClient(url) !== ErrorCode.OK) {
    print(`${label} cannot connect to ${url}`);
    return p;
  }
  const mp = p.tree.getMultiplayer();
  mp.multiplayerPeer = p.peer;
  mp.connectedToServer.connect(() => {
    p.ok = true;
    print(`${label} connected as ${mp.getUniqueId()}`);
  });
  for (const text of say) p.say(text);
  mp.connectionFailed.connect(() => print(`${label} connection failed`));
  mp.serverDisconnected.connect(() => print(`${label} server disconnected`));
  return p;
}
