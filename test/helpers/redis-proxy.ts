/**
 * A TCP relay between one process and Redis, to cut the network of that process alone (a
 * partition) and heal it, on real sockets (not a test file).
 */
import net from 'node:net';
import type { Test } from 'tap';

export interface Partition {
  readonly port: number;
  /** Drops every relayed connection and refuses new ones until `heal`. */
  cut(): void;
  heal(): void;
}

/** Relays 127.0.0.1:<port> to 127.0.0.1:`targetPort`; closed at `t`'s teardown. */
export async function redisProxy(t: Test, targetPort: number): Promise<Partition> {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    heal() {
      cut = false;
    },
  };
}
