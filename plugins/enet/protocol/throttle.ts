/**
 * Host-level bandwidth throttling and BANDWIDTH_LIMIT announcements, run once per second
 * (docs/wire/enet.md §17.1). Godot: enet_host_bandwidth_throttle (thirdparty/enet/host.c).
 */
import { encodeU32Body } from './commands.js';
import type { ENetHost } from './host.js';
import type { Peer } from './peer.js';
import { Command, COMMAND_SIZES, Defaults, FLAG_ACKNOWLEDGE, PeerState } from './protocol.js';

const SCALE = Defaults.PACKET_THROTTLE_SCALE;

function isConnected(p: Peer): boolean {
  return p.state === PeerState.CONNECTED || p.state === PeerState.DISCONNECT_LATER;
}

/** Adjusts every connected peer's throttle limit and, when requested, announces incoming bandwidth shares. */
export function bandwidthThrottle(host: ENetHost): void {
  const now = host.serviceTime;
  const elapsed = (now - host.bandwidthThrottleEpoch) >>> 0;
  host.bandwidthThrottleEpoch = now;
  if (host.connectedPeers === 0) return;
  const peers = host.peers.filter(isConnected);
  let remaining = peers.length;
  let dataTotal = Infinity;
  let bandwidth = Infinity;
  if (host.outgoingBandwidth !== 0) {
    dataTotal = 0;
    bandwidth = Math.floor((host.outgoingBandwidth * elapsed) / 1000);
    for (const p of peers) dataTotal += p.outgoingDataTotal;
  }
  let needsAdjustment = host.bandwidthLimitedPeers > 0;
  while (remaining > 0 && needsAdjustment) {
    needsAdjustment = false;
    const throttle = dataTotal <= bandwidth ? SCALE : Math.floor((bandwidth * SCALE) / dataTotal);
    for (const p of peers) {
      if (p.incomingBandwidth === 0 || p.outgoingBandwidthThrottleEpoch === now) continue;
      const peerBandwidth = Math.floor((p.incomingBandwidth * elapsed) / 1000);
      if (Math.floor((throttle * p.outgoingDataTotal) / SCALE) <= peerBandwidth) continue;
      p.packetThrottleLimit = Math.max(1, Math.floor((peerBandwidth * SCALE) / p.outgoingDataTotal));
      p.packetThrottle = Math.min(p.packetThrottle, p.packetThrottleLimit);
      p.outgoingBandwidthThrottleEpoch = now;
      p.incomingDataTotal = 0;
      p.outgoingDataTotal = 0;
      needsAdjustment = true;
      remaining--;
      bandwidth -= peerBandwidth;
      dataTotal -= peerBandwidth;
    }
  }
  if (remaining > 0) {
    const throttle = dataTotal <= bandwidth ? SCALE : Math.floor((bandwidth * SCALE) / dataTotal);
    for (const p of peers) {
      if (p.outgoingBandwidthThrottleEpoch === now) continue;
      p.packetThrottleLimit = throttle;
      p.packetThrottle = Math.min(p.packetThrottle, throttle);
      p.incomingDataTotal = 0;
      p.outgoingDataTotal = 0;
    }
  }
  if (host.recalculateBandwidthLimits) announceBandwidth(host, peers, now);
}

function announceBandwidth(host: ENetHost, peers: Peer[], now: number): void {
  host.recalculateBandwidthLimits = false;
  let remaining = peers.length;
  let bandwidth = host.incomingBandwidth;
  let limit = 0;
  let needsAdjustment = true;
  if (bandwidth !== 0) {
    while (remaining > 0 && needsAdjustment) {
      needsAdjustment = false;
      limit = Math.floor(bandwidth / remaining);
      for (const p of peers) {
        if (p.incomingBandwidthThrottleEpoch === now) continue;
        if (p.outgoingBandwidth > 0 && p.outgoingBandwidth >= limit) continue;
        p.incomingBandwidthThrottleEpoch = now;
        needsAdjustment = true;
        remaining--;
        bandwidth -= p.outgoingBandwidth;
      }
    }
  }
  for (const p of peers) {
    const incoming = p.incomingBandwidthThrottleEpoch === now ? p.outgoingBandwidth : limit;
    const body = encodeU32Body(COMMAND_SIZES[Command.BANDWIDTH_LIMIT]!, incoming, host.outgoingBandwidth);
    p.queueOutgoingCommand(Command.BANDWIDTH_LIMIT | FLAG_ACKNOWLEDGE, 0xff, body, null, 0, 0);
  }
}
