import { ContainerModule, type Newable } from 'inversify';
import { bindClosingPool, type Clock, type Logger } from '../../core/index.js';

/** What every class of the plugin is made with from a container. */
export interface NetServices {
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The plugin's classes, as each build provides them (Node sockets, or the browser's stand-ins). */
export interface NetClasses {
  readonly StreamPeerTCP: Newable<{ disconnectFromHost(): void }, [NetServices]>;
  readonly StreamPeerTLS: Newable<{ disconnectFromStream(): void }, [NetServices]>;
  readonly TCPServer: Newable<{ stop(): void }, [NetServices]>;
  readonly PacketPeerUDP: Newable<{ close(): void }, [NetServices]>;
  readonly UDPServer: Newable<{ stop(): void }, [NetServices]>;
}

/**
 * The plugin's ContainerModule (our register_types): binds the five classes (transient, on the
 * container's Clock and Logger); `container.unbindAll()` disconnects, closes and stops every one it
 * made, freeing their ports. Load after coreModule.
 */
export function netModuleFor(classes: NetClasses): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const { StreamPeerTCP, StreamPeerTLS, TCPServer, PacketPeerUDP, UDPServer } = classes;
    bindClosingPool(
      bind,
      StreamPeerTCP,
      (s) => new StreamPeerTCP(s),
      (p) => p.disconnectFromHost(),
    );
    bindClosingPool(
      bind,
      StreamPeerTLS,
      (s) => new StreamPeerTLS(s),
      (p) => p.disconnectFromStream(),
    );
    bindClosingPool(
      bind,
      TCPServer,
      (s) => new TCPServer(s),
      (s) => s.stop(),
    );
    bindClosingPool(
      bind,
      PacketPeerUDP,
      (s) => new PacketPeerUDP(s),
      (p) => p.close(),
    );
    bindClosingPool(
      bind,
      UDPServer,
      (s) => new UDPServer(s),
      (s) => s.stop(),
    );
  });
}
