import { ErrorCode } from '../../core/index.js';
import { encoder } from './text.js';
import type { ClientConnectOptions, SocketHandle, SocketSink, WebSocketBackend } from './websocket-backend.js';

const decoder = new TextDecoder();

/**
 * Client connections on the runtime's own `WebSocket` (browsers, Deno, Node ≥ 22). Godot's web
 * export does the same (modules/websocket/emws_peer.cpp). The browser decides TLS trust, so
 * `TLSOptions` are ignored here, and `handshakeHeaders` cannot be sent; servers are not available.
 */
export const nativeBackend: WebSocketBackend = {
  name: 'native',
  connect(options, sink) {
    const Native = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
    if (Native === undefined) {
      return { error: ErrorCode.ERR_UNAVAILABLE, message: 'This runtime has no WebSocket; import the Node entry point.' };
    }
    let socket: WebSocket;
    try {
      socket = new Native(options.url, [...options.protocols]);
    } catch (err) {
      return { error: ErrorCode.ERR_INVALID_PARAMETER, message: `Cannot connect: ${(err as Error).message}` };
    }
    return wrap(socket, options, sink);
  },
};

function wrap(socket: WebSocket, options: ClientConnectOptions, sink: SocketSink): SocketHandle {
  socket.binaryType = 'arraybuffer';
  let failed = false;
  socket.onopen = () => {
    const url = new URL(options.url);
    sink.open(socket.protocol, url.hostname, Number(url.port || (url.protocol === 'wss:' ? 443 : 80)));
  };
  socket.onmessage = (ev: MessageEvent) => {
    if (failed) return;
    const isString = typeof ev.data === 'string';
    const data = isString ? encoder.encode(ev.data as string) : new Uint8Array(ev.data as ArrayBuffer);
    if (data.byteLength > options.maxPayload) {
      // Browsers may only send 1000 or 3000–4999, so the remote sees 1000; we report 1009 as Godot does.
      failed = true;
      sink.failed(1009, 'Message too big', `a ${data.byteLength}-byte message exceeds ${options.maxPayload} bytes`);
      socket.close(1000, 'Message too big');
      return;
    }
    sink.message(data, isString);
  };
  socket.onclose = (ev: CloseEvent) => {
    const clean = ev.wasClean && ev.code !== 1006;
    sink.closed(clean, ev.code, ev.reason, clean ? '' : `closed abnormally (code ${ev.code})`);
  };
  return {
    send(data, isString, onSent) {
      socket.send(isString ? decoder.decode(data) : (data as Uint8Array<ArrayBuffer>));
      onSent?.();
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    close(code, reason) {
      // Divergence from Godot: browsers refuse to send codes other than 1000 and 3000–4999.
      socket.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
    },
    terminate() {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close();
    },
    pause: () => false,
    resume() {},
    setNoDelay() {},
    ping: () => false,
  };
}
