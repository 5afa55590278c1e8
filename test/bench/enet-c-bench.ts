/**
 * The C side of the ENet benchmark's sender: a small libenet client compiled on demand (into the
 * OS temp dir) that follows exactly the TypeScript client's send pattern in enet.bench.ts.
 *
 * Why not `echo-peer bench` (test/fixtures/enet/echo-peer.c)? Its top-up loop measures the
 * outgoing queue once per round and then counts one per *packet*, so with 100 KB packets (74
 * fragment commands each) it queues up to 4096 packets = ~300,000 commands per round, and libenet's
 * enet_protocol_check_outgoing_commands walks the whole list on every send pass once the reliable
 * window is full: the C figure measured that O(n) walk (about 2.5 MB/s), not the protocol. Here
 * the queue is topped up to 4096 *commands*, as the TypeScript client does, so both sides queue
 * the same amount. For 64-byte packets (one command each) the two rules are the same.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEchoPeer } from '../helpers/enet-c-peer.js';

const SOURCE = String.raw`
#include <enet/enet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

static double now_ms(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

/* c-bench PORT SIZE r|u SECONDS [WAIT_MS]: connects with 2 channels (data 2), then for SECONDS
   tops the outgoing queue up to 4096 commands and services with timeout WAIT_MS (default 0),
   then disconnects. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 5 || enet_initialize() != 0) return 2;
  size_t size = strtoul(argv[2], NULL, 10);
  enet_uint32 flags = strcmp(argv[3], "r") == 0 ? ENET_PACKET_FLAG_RELIABLE : 0;
  double seconds = atof(argv[4]);
  enet_uint32 wait = argc > 5 ? (enet_uint32)atoi(argv[5]) : 0;
  ENetHost *host = enet_host_create(NULL, 1, 2, 0, 0);
  ENetAddress address;
  ENetEvent event;
  enet_address_set_host(&address, "127.0.0.1");
  address.port = (enet_uint16)atoi(argv[1]);
  ENetPeer *peer = enet_host_connect(host, &address, 2, 2);
  int connected = 0;
  double deadline = now_ms() + 5000;
  while (!connected && now_ms() < deadline)
    if (enet_host_service(host, &event, 10) > 0 && event.type == ENET_EVENT_TYPE_CONNECT) connected = 1;
  printf("CONNECTED %d\n", connected);
  if (!connected) return 1;
  /* Commands one packet becomes (enet_peer_send's fragment length rule). */
  size_t fragment = peer->mtu - sizeof(ENetProtocolHeader) - sizeof(ENetProtocolSendFragment);
  size_t perPacket = size > fragment ? (size + fragment - 1) / fragment : 1;
  unsigned char *payload = calloc(1, size ? size : 1);
  unsigned long sent = 0;
  double end = now_ms() + seconds * 1000.0;
  while (now_ms() < end) {
    /* enet_list_size walks the list: measured once per round, then counted. */
    for (size_t queued = enet_list_size(&peer->outgoingCommands); queued < 4096; queued += perPacket) {
      ENetPacket *packet = enet_packet_create(payload, size, flags);
      if (enet_peer_send(peer, 0, packet) < 0) { enet_packet_destroy(packet); break; }
      sent++;
    }
    /* Timeout 0 spins; timeout 1 (--wait) keeps receiving acknowledgements and sending what they
       let out for up to 1 ms, sleeping in select between datagrams. */
    while (enet_host_service(host, &event, wait) > 0)
      if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("SENT %lu\n", sent);
  printf("STATS client cpu_us %.0f (user %.0f)\n",
         usage.ru_utime.tv_sec * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_sec * 1e6 + usage.ru_stime.tv_usec,
         usage.ru_utime.tv_sec * 1e6 + usage.ru_utime.tv_usec);
  printf("STATS peer rtt %u ms, packet throttle %u/32, resent %u\n", peer->roundTripTime,
         peer->packetThrottle, peer->packetsLost);
  enet_peer_disconnect(peer, 7);
  deadline = now_ms() + 20000;
  while (now_ms() < deadline) {
    if (enet_host_service(host, &event, 10) <= 0) continue;
    if (event.type == ENET_EVENT_TYPE_DISCONNECT) break;
    if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
  }
  enet_host_destroy(host);
  return 0;
}
`;

/** Compiles the C bench client once per source version (libenet installed via buildEchoPeer); returns its path. */
export function buildCBenchClient(): string {
  buildEchoPeer();
  const hash = createHash('sha256').update(SOURCE).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'scenenet-enet-bench');
  const binary = join(dir, `c-bench-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const source = join(dir, `c-bench-${hash}.${process.pid}.c`);
  writeFileSync(source, SOURCE);
  const tmp = `${binary}.${process.pid}`;
  const r = spawnSync('cc', ['-O2', '-o', tmp, source, '-lenet'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('compiling the C bench client failed');
  spawnSync('mv', ['-f', tmp, binary]);
  return binary;
}
