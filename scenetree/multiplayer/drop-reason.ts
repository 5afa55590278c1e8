/**
 * Why a packet or call was refused (counted by the server policy's `stats`, named in its logs). Its own
 * module so that the RPC and replication code can name a reason without bundling the counters.
 */
export const DropReason = {
  /** A structurally invalid SceneMultiplayer packet (sizes, offsets, commands, undecodable arguments). */
  MALFORMED: 'malformed',
  /** Over the peer's (or the whole API's) RPC or byte budget. */
  RATE_LIMITED: 'rate_limited',
  /** Well formed but not allowed: an RPC or replication packet from a peer that is not the authority. */
  UNAUTHORIZED: 'unauthorized',
  /** An RPC (or replicated state) whose argument count or declared Variant types do not match. */
  BAD_ARGUMENTS: 'bad_arguments',
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];
