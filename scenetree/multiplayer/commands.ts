import { encodeUint32 } from '../../core/index.js';

/** SceneMultiplayer wire constants (Godot: modules/multiplayer/scene_multiplayer.h; docs/wire/multiplayer.md §4). */
export const Command = {
  REMOTE_CALL: 0,
  SIMPLIFY_PATH: 1,
  CONFIRM_PATH: 2,
  RAW: 3,
  SPAWN: 4,
  DESPAWN: 5,
  SYNC: 6,
  SYS: 7,
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/** Bits 0–2 of the first byte hold the command. */
export const CMD_MASK = 7;

/** Set on a SYNC command byte for a delta packet (Godot: 1 << CMD_FLAG_0_SHIFT; docs/wire/multiplayer.md §7.5). */
export const SYNC_DELTA_FLAG = 0x10;

/** Replication net ids with this bit are path-cache ids of static synchronizers (docs/wire/multiplayer.md §7.1). */
export const PATH_NET_ID = 0x80000000;

/** SYS sub-commands (second byte of a SYS packet). */
export const SysCommand = { AUTH: 0, ADD_PEER: 1, DEL_PEER: 2, RELAY: 3 } as const;
export type SysCommand = (typeof SysCommand)[keyof typeof SysCommand];

/** `[07][sysCmd][i32 peer]`: every SYS packet but AUTH is at least this long. */
export const SYS_CMD_SIZE = 6;

/** RPC meta byte fields (docs/wire/multiplayer.md §6.1). */
export const RpcMeta = {
  NODE_ID_SHIFT: 4,
  NODE_ID_MASK: 0x30,
  NAME_ID_SHIFT: 6,
  NAME_ID_MASK: 0x40,
  NO_ARGS_OR_RAW: 0x80,
} as const;

/** Node-id sizes in the RPC meta byte. */
export const NodeIdCompression = { BITS_8: 0, BITS_16: 1, BITS_32: 2 } as const;

/** Set on a 4-byte RPC node target when the node path follows the arguments. */
export const PATH_FLAG = 0x80000000;

/** Builds a SYS packet `[07][cmd][i32 peer][payload]`. */
export function sysPacket(cmd: SysCommand, peer: number, payload?: Uint8Array): Uint8Array {
  const out = new Uint8Array(SYS_CMD_SIZE + (payload?.length ?? 0));
  out[0] = Command.SYS;
  out[1] = cmd;
  encodeUint32(peer, out, 2);
  if (payload) out.set(payload, SYS_CMD_SIZE);
  return out;
}
