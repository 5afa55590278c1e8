import type { EventEmitter } from 'node:events';
import net from 'node:net';
import os from 'node:os';

/** `::ffff:127.0.0.1` → `127.0.0.1`, as Godot prints IPv4-mapped addresses. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * An IP literal for `host`: itself when it is one, 127.0.0.1 for `localhost`, else null.
 * Divergence from Godot: other names are not resolved by the UDP classes (Godot resolves them
 * synchronously); they return ERR_CANT_RESOLVE.
 */
export function ipLiteral(host: string): string | null {
  if (host === 'localhost') return '127.0.0.1';
  return net.isIP(host) !== 0 ? host : null;
}

/** Whether `address` is an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast address. */
export function isMulticast(address: string): boolean {
  if (net.isIPv4(address)) return Number(address.split('.')[0]) >= 224 && Number(address.split('.')[0]) <= 239;
  return net.isIPv6(address) && address.toLowerCase().startsWith('ff');
}

/** The address of interface `name` in the family of `group` (Node joins groups by interface address). */
export function interfaceAddress(name: string, group: string): string | null {
  const family = net.isIPv4(group) ? 'IPv4' : 'IPv6';
  const entry = (os.networkInterfaces()[name] ?? []).find((a) => a.family === family);
  if (entry === undefined) return null;
  return family === 'IPv6' && entry.scopeid ? `${entry.address}%${name}` : entry.address;
}

/** The IPv4-mapped IPv6 form of an IPv4 address (what a dual-stack `udp6` socket sends to). */
export function mappedIp(ip: string): string {
  return net.isIPv4(ip) ? `::ffff:${ip}` : ip;
}

/** Why `port`/`bindAddress` cannot be bound (Godot's messages), or null when they can. */
export function localAddressProblem(port: number, bindAddress: string): string | null {
  if (!Number.isInteger(port) || port < 0 || port > 65535) return 'The local port number must be between 0 and 65535 (inclusive).';
  if (bindAddress !== '*' && net.isIP(bindAddress) === 0) return `Invalid bind address '${bindAddress}'.`;
  return null;
}

/** The socket type and address a UDP socket bound to `bindAddress` uses ('*': dual-stack `::`). */
export function udpBindTarget(bindAddress: string): { type: 'udp4' | 'udp6'; address: string } {
  if (bindAddress === '*') return { type: 'udp6', address: '::' };
  return { type: net.isIPv6(bindAddress) ? 'udp6' : 'udp4', address: bindAddress };
}

/** Runs `start` (a bind or listen with a callback); resolves null once it called back, or the 'error' it failed with. */
export function whenListening(target: EventEmitter, start: (done: () => void) => void): Promise<Error | null> {
  return new Promise((resolve) => {
    target.once('error', resolve);
    start(() => {
      target.removeListener('error', resolve);
      resolve(null);
    });
  });
}
