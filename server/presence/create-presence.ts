import type { Logger } from '../../core/index.js';
import { MemoryPresence } from './memory-presence.js';
import type { Presence } from './presence.js';
import { RedisPresence } from './redis-presence.js';

/**
 * The presence a `--presence` option names: `memory` (the default: one process) or a Redis URL
 * (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS). Throws RangeError for anything else.
 */
export function createPresence(spec: string, options: { logger?: Logger; prefix?: string } = {}): Presence {
  if (spec === 'memory') return new MemoryPresence();
  if (/^rediss?:\/\//.test(spec)) {
    return new RedisPresence({
      url: spec,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    });
  }
  throw new RangeError(`--presence must be "memory" or a redis:// URL, got "${spec}"`);
}
