/**
 * Godot's WebRTC tutorial, "Minimal connection example" (docs: tutorials/networking/webrtc.html), line
 * for line: two WebRTCPeerConnections in one scene with a negotiated "chat" channel each, wired to each
 * other by signals; P1 offers, then each sends one message a second apart. Lines that differ say why
 * (`scenenet:`). Run it: `node --import tsx samples/docs/webrtc-minimal.ts` (exit 0 once both messages
 * arrived, 1 if they did not within 10 s).
 */
import { fileURLToPath } from 'node:url';
import { isPacket } from '../../core/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';
import { ChannelState, WebRTCPeerConnection } from '../../plugins/webrtc/index.js';

/** scenenet: `to_utf8_buffer()` / `get_string_from_utf8()`. */
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class Minimal extends Node {
  // Create the two peers
  p1 = new WebRTCPeerConnection();
  p2 = new WebRTCPeerConnection();
  // And a negotiated channel for each each peer
  ch1 = this.p1.createDataChannel('chat', { id: 1, negotiated: true })!;
  ch2 = this.p2.createDataChannel('chat', { id: 1, negotiated: true })!;
  /** scenenet: where `print` goes (the console by default; a test collects the lines). */
  print: (line: string) => void = (line) => console.log(line);

  override async _ready(): Promise<void> {
    // Connect P1 session created to itself to set local description.
    this.p1.sessionDescriptionCreated.connect((type, sdp) => void this.p1.setLocalDescription(type, sdp));
    // Connect P1 session and ICE created to p2 set remote description and candidates.
    this.p1.sessionDescriptionCreated.connect((type, sdp) => void this.p2.setRemoteDescription(type, sdp));
    this.p1.iceCandidateCreated.connect((mid, index, name) => void this.p2.addIceCandidate(mid, index, name));

    // Same for P2
    this.p2.sessionDescriptionCreated.connect((type, sdp) => void this.p2.setLocalDescription(type, sdp));
    this.p2.sessionDescriptionCreated.connect((type, sdp) => void this.p1.setRemoteDescription(type, sdp));
    this.p2.iceCandidateCreated.connect((mid, index, name) => void this.p1.addIceCandidate(mid, index, name));

    // Let P1 create the offer
    this.p1.createOffer();

    // Wait a second and send message from P1.
    await this.getTree()!.createTimer(1).timeout.wait();
    this.ch1.putPacket(utf8.encode('Hi from P1'));

    // Wait a second and send message from P2.
    await this.getTree()!.createTimer(1).timeout.wait();
    this.ch2.putPacket(utf8.encode('Hi from P2'));
  }

  override _process(_delta: number): void {
    // Poll connections
    this.p1.poll();
    this.p2.poll();

    // Check for messages
    if (this.ch1.getReadyState() === ChannelState.OPEN && this.ch1.getAvailablePacketCount() > 0) {
      const packet = this.ch1.getPacket();
      if (isPacket(packet)) this.print(`P1 received: ${fromUtf8.decode(packet)}`);
    }
    if (this.ch2.getReadyState() === ChannelState.OPEN && this.ch2.getAvailablePacketCount() > 0) {
      const packet = this.ch2.getPacket();
      if (isPacket(packet)) this.print(`P2 received: ${fromUtf8.decode(packet)}`);
    }
  }

  /** scenenet: Godot frees the connections with the node; here they close on exit. */
  override _exitTree(): void {
    this.p1.close();
    this.p2.close();
  }
}

/** Runs the scene in real time until both messages arrived (exit 0) or `timeoutS` passed (exit 1). */
export async function main(print: (line: string) => void = (line) => console.log(line), timeoutS = 10): Promise<number> {
  const tree = new SceneTree();
  const scene = new Minimal('Minimal');
  const heard: string[] = [];
  scene.print = (line) => {
    heard.push(line);
    print(line);
    if (heard.length === 2) tree.quit(0);
  };
  tree.root.addChild(scene);
  await tree.run({ fps: 60, frames: timeoutS * 60 });
  scene.queueFree();
  tree.processFrame(0);
  return heard.length === 2 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main().then((code) => process.exit(code));
