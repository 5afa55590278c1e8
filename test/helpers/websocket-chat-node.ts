/** The RPC node shared by the browser test's page and its Node server (not a test file). */
import { RPCMode } from '../../core/index.js';
import { Node } from '../../scenetree/index.js';

/** `/root/Chat`: `say` goes to the server, `reply` comes back; both record the remote sender. */
export class Chat extends Node {
  readonly heard: Array<{ method: string; text: string; sender: number }> = [];

  constructor() {
    super('Chat');
    this.rpcConfig('say', { rpcMode: RPCMode.ANY_PEER });
    this.rpcConfig('reply', { rpcMode: RPCMode.AUTHORITY });
  }

  say(text: string): void {
    this.heard.push({ method: 'say', text, sender: this.multiplayer!.getRemoteSenderId() });
  }

  reply(text: string): void {
    this.heard.push({ method: 'reply', text, sender: this.multiplayer!.getRemoteSenderId() });
  }
}
