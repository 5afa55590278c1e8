/**
 * Godot's WebRTC tutorial, "Local signaling example" (docs: tutorials/networking/webrtc.html), line for
 * line: `Signaling` (the tutorial's autoload at /root/Signaling) pairs two `Chat` nodes by their paths,
 * each Chat sends its session and candidates through it, and `Main` adds two Chats and has each send one
 * message. Lines that differ say why (`scenenet:`). Run it:
 * `node --import tsx samples/docs/webrtc-local-signaling.ts` (exit 0 once both messages arrived).
 */
import { fileURLToPath } from 'node:url';
import { isPacket } from '../../core/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';
import { ChannelState, WebRTCPeerConnection } from '../../plugins/webrtc/index.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** A local signaling server. Add this to autoloads with name "Signaling" (/root/Signaling) */
export class Signaling extends Node {
  // We will store the two peers here
  peers: string[] = [];

  register(path: string): void {
    if (this.peers.length >= 2) throw new Error('assert(peers.size() < 2)'); // scenenet: GDScript's assert
    this.peers.push(path);
    if (this.peers.length === 2) this.getNode(this.peers[0]!, Chat).peer.createOffer();
  }

  _findOther(path: string): string {
    // Find the other registered peer.
    for (const p of this.peers) {
      if (p !== path) return p;
    }
    return '';
  }

  sendSession(path: string, type: string, sdp: string): void {
    const other = this._findOther(path);
    if (other === '') throw new Error('assert(other != "")');
    this.getNode(other, Chat).peer.setRemoteDescription(type, sdp);
  }

  sendCandidate(path: string, mid: string, index: number, sdp: string): void {
    const other = this._findOther(path);
    if (other === '') throw new Error('assert(other != "")');
    this.getNode(other, Chat).peer.addIceCandidate(mid, index, sdp);
  }
}

/** An example p2p chat client. */
export class Chat extends Node {
  peer = new WebRTCPeerConnection();

  // Create negotiated data channel.
  channel = this.peer.createDataChannel('chat', { negotiated: true, id: 1 })!;

  /** scenenet: GDScript reaches the autoload by its global name; here, by its path. */
  get signaling(): Signaling {
    return this.getNode('/root/Signaling', Signaling);
  }

  /** scenenet: where `print` goes (the console by default). */
  print: (line: string) => void = (line) => console.log(line);

  override _ready(): void {
    // Connect all functions.
    this.peer.iceCandidateCreated.connect((mid, index, sdp) => this._onIceCandidate(mid, index, sdp));
    this.peer.sessionDescriptionCreated.connect((type, sdp) => this._onSession(type, sdp));

    // Register to the local signaling server (see above for the implementation).
    this.signaling.register(String(this.getPath()));
  }

  _onIceCandidate(mid: string, index: number, sdp: string): void {
    // Send the ICE candidate to the other peer via the signaling server.
    this.signaling.sendCandidate(String(this.getPath()), mid, index, sdp);
  }

  _onSession(type: string, sdp: string): void {
    // Send the session to other peer via the signaling server.
    this.signaling.sendSession(String(this.getPath()), type, sdp);
    // Set generated description as local.
    this.peer.setLocalDescription(type, sdp);
  }

  override _process(_delta: number): void {
    // Always poll the connection frequently.
    this.peer.poll();
    if (this.channel.getReadyState() === ChannelState.OPEN) {
      while (this.channel.getAvailablePacketCount() > 0) {
        const packet = this.channel.getPacket();
        if (isPacket(packet)) this.print(`${String(this.getPath())} received: ${fromUtf8.decode(packet)}`);
      }
    }
  }

  sendMessage(message: string): void {
    this.channel.putPacket(utf8.encode(message));
  }

  /** scenenet: Godot frees the connection with the node; here it closes on exit. */
  override _exitTree(): void {
    this.peer.close();
  }
}

/** The main scene. */
export class Main extends Node {
  /** scenenet: handed to each Chat (the console by default). */
  print: (line: string) => void = (line) => console.log(line);

  override async _ready(): Promise<void> {
    const p1 = new Chat();
    const p2 = new Chat();
    p1.print = p2.print = this.print;
    this.addChild(p1, true); // scenenet: `true` = Godot's readable auto name for an unnamed child
    this.addChild(p2, true);

    // Wait a second and send message from P1
    await this.getTree()!.createTimer(1).timeout.wait();
    p1.sendMessage(`Hi from ${String(p1.getPath())}`);

    // Wait a second and send message from P2
    await this.getTree()!.createTimer(1).timeout.wait();
    p2.sendMessage(`Hi from ${String(p2.getPath())}`);
  }
}

/** Runs the tutorial in real time until both messages arrived (exit 0) or `timeoutS` passed (exit 1). */
export async function main(print: (line: string) => void = (line) => console.log(line), timeoutS = 10): Promise<number> {
  const tree = new SceneTree();
  const heard: string[] = [];
  const collect = (line: string): void => {
    heard.push(line);
    print(line);
    if (heard.length === 2) tree.quit(0);
  };
  tree.root.addChild(new Signaling('Signaling')); // the autoload, before the main scene as Godot adds it
  const scene = new Main('Main');
  scene.print = collect;
  tree.root.addChild(scene);
  await tree.run({ fps: 60, frames: timeoutS * 60 });
  scene.queueFree();
  tree.processFrame(0);
  return heard.length === 2 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main().then((code) => process.exit(code));
