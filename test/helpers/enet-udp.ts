/** Test helper: protocol-level ENet hosts on real loopback UDP sockets, serviced in a loop. */
import { bindUdpSocket } from '../../plugins/enet/datagram-socket.js';
import { rangeCoderCompressor, type Compressor } from '../../plugins/enet/protocol/compressor.js';
import { ENetHost, type HostEvent, type HostOptions } from '../../plugins/enet/protocol/host.js';

/** An event with the host that produced it. */
export type SeenEvent = HostEvent & { host: ENetHost };

/** Binds 127.0.0.1 (or `address`) port 0 and wraps it in a host. */
export async function udpHost(
  options: HostOptions & { address?: string; checksum?: boolean; compression?: boolean; compressor?: Compressor } = {},
): Promise<ENetHost> {
  const socket = await bindUdpSocket({ address: options.address ?? '127.0.0.1', port: 0 });
  if (socket === null) throw new Error('bind failed');
  const host = new ENetHost(socket, options);
  host.checksum = options.checksum ?? false;
  host.compressor = options.compressor ?? (options.compression === true ? rangeCoderCompressor : null);
  return host;
}

/** Services `hosts` (collecting events into `seen`) until `done()` holds; throws after `timeoutMs`. */
export async function pump(hosts: ENetHost[], seen: SeenEvent[], done: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let busy = false;
    for (const h of hosts) {
      if (h.destroyed) continue;
      for (let e = h.service(); e !== null; e = h.service()) {
        seen.push({ ...e, host: h });
        busy = true;
      }
    }
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`pump: condition not met within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => (busy ? setImmediate(resolve) : setTimeout(resolve, 1)));
  }
}
