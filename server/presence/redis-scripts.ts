/**
 * The Lua scripts of `RedisPresence`. Each runs atomically inside Redis (no other command runs in
 * between), which is what keeps a room from being over-booked when many matchmakers reserve at once.
 * Time is Redis's own (`TIME`), so processes with skewed clocks agree on expiry.
 *
 * Keys, under the presence's prefix P:
 *   P procs            sorted set: process id → expiry (ms)
 *   P proc:<id>        hash: id, url, types (JSON: type → maxClients), rooms
 *   P type:<type>      set of room ids (members whose room hash expired are dropped when seen)
 *   P open:<type>      sorted set: room id → seats, for the rooms that take a seat now (unlocked, below max)
 *   P room:<id>        hash: id, type, process, url, seats, clients, max, locked, meta (JSON), endpoints (JSON), pending; expires (TTL)
 *   P res:<id>         sorted set: unused seat token → expiry (ms)
 *   P seat:<token>     string: room id; expires with the seat
 *
 * The scripts touch keys they discover (room ids from a set), so they are for one Redis (or a
 * Sentinel-managed primary), not Redis Cluster.
 */

const COMMON = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Keeps P open:<type> (room id → seats) to the rooms that take a seat now: unlocked, below max.
local function reindex(id)
  local r = redis.call('HMGET', P .. 'room:' .. id, 'type', 'seats', 'max', 'locked')
  if not r[1] then return end
  local okey = P .. 'open:' .. r[1]
  if r[4] ~= '1' and tonumber(r[2]) < tonumber(r[3]) then
    redis.call('ZADD', okey, tonumber(r[2]), id)
  else
    redis.call('ZREM', okey, id)
  end
end
local function purge(id, now)
  local rkey = P .. 'res:' .. id
  local expired = redis.call('ZRANGEBYSCORE', rkey, '-inf', now)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', rkey, '-inf', now)
    local key = P .. 'room:' .. id
    if redis.call('EXISTS', key) == 1 then
      local seats = tonumber(redis.call('HGET', key, 'seats') or '0') - #expired
      if seats < 0 then seats = 0 end
      redis.call('HSET', key, 'seats', seats)
      reindex(id)
    end
  end
end
local function proc_alive(pid, now)
  local s = redis.call('ZSCORE', P .. 'procs', pid)
  return s and tonumber(s) > now
end
`;

/** ARGV: P, id, type, process, url, max, locked, meta, occupied, change, ttlMs, endpoints (JSON) → seats. */
export const SYNC_ROOM = `${COMMON}
local id, rtype, pid, url, max, locked, meta = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local occupied, change, ttl = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local key = P .. 'room:' .. id
local now = now_ms()
local seats
if redis.call('EXISTS', key) == 1 then
  purge(id, now)
  seats = tonumber(redis.call('HGET', key, 'seats') or '0') + change
  if seats < 0 then seats = 0 end
else
  seats = occupied
end
redis.call('HSET', key, 'id', id, 'type', rtype, 'process', pid, 'url', url, 'max', max, 'locked', locked,
  'meta', meta, 'clients', occupied, 'seats', seats, 'pending', '0', 'endpoints', ARGV[12])
redis.call('PEXPIRE', key, ttl)
if redis.call('EXISTS', P .. 'res:' .. id) == 1 then redis.call('PEXPIRE', P .. 'res:' .. id, ttl) end
redis.call('SADD', P .. 'type:' .. rtype, id)
redis.call('SADD', P .. 'types', rtype)
reindex(id)
return seats
`;

/** ARGV: P, id. */
export const REMOVE_ROOM = `${COMMON}
local id = ARGV[2]
local key = P .. 'room:' .. id
local rtype = redis.call('HGET', key, 'type')
if rtype then
  redis.call('SREM', P .. 'type:' .. rtype, id)
  redis.call('ZREM', P .. 'open:' .. rtype, id)
end
redis.call('DEL', key, P .. 'res:' .. id)
return 1
`;

/**
 * ARGV: P, mode, type, roomId, criteria (JSON), token, seatTtlMs, newRoomId, pendingTtlMs
 * → { roomId, type, process, url, created } or an error word.
 */
export const RESERVE_SEAT = `${COMMON}
local mode, rtype, room_id, criteria = ARGV[2], ARGV[3], ARGV[4], cjson.decode(ARGV[5])
local token, seat_ttl, new_id, pending_ttl = ARGV[6], tonumber(ARGV[7]), ARGV[8], tonumber(ARGV[9])
local now = now_ms()

local function matches(meta)
  for k, v in pairs(criteria) do
    if meta[k] == nil or meta[k] == cjson.null or tostring(meta[k]) ~= tostring(v) then return false end
  end
  return true
end

local function take(id)
  local key = P .. 'room:' .. id
  redis.call('HINCRBY', key, 'seats', 1)
  local rkey = P .. 'res:' .. id
  redis.call('ZADD', rkey, now + seat_ttl, token)
  local pttl = redis.call('PTTL', key)
  if pttl > 0 then redis.call('PEXPIRE', rkey, math.max(pttl, seat_ttl)) end
  redis.call('SET', P .. 'seat:' .. token, id, 'PX', seat_ttl)
  reindex(id)
  local r = redis.call('HMGET', key, 'type', 'process', 'url')
  return r
end

local chosen = nil
if mode == 'join' then
  local key = P .. 'room:' .. room_id
  if redis.call('EXISTS', key) == 0 then return 'not_found' end
  local r = redis.call('HMGET', key, 'process', 'locked', 'max')
  if not proc_alive(r[1], now) then return 'not_found' end
  purge(room_id, now)
  if r[2] == '1' then return 'locked' end
  if tonumber(redis.call('HGET', key, 'seats')) >= tonumber(r[3]) then return 'full' end
  chosen = room_id
elseif mode == 'join-or-create' then
  -- The open rooms, fullest first (ties: lowest id): the first that fits is taken.
  local okey = P .. 'open:' .. rtype
  local ids = redis.call('ZREVRANGE', okey, 0, -1, 'WITHSCORES')
  local candidates = {}
  for i = 1, #ids, 2 do table.insert(candidates, { ids[i], tonumber(ids[i + 1]) }) end
  table.sort(candidates, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] < b[1]
  end)
  for _, c in ipairs(candidates) do
    local id = c[1]
    local key = P .. 'room:' .. id
    if redis.call('EXISTS', key) == 0 then
      redis.call('ZREM', okey, id)
      redis.call('SREM', P .. 'type:' .. rtype, id)
    else
      local r = redis.call('HMGET', key, 'process', 'locked', 'max', 'meta')
      if r[2] ~= '1' and proc_alive(r[1], now) and matches(cjson.decode(r[4])) then
        purge(id, now)
        if tonumber(redis.call('HGET', key, 'seats')) < tonumber(r[3]) then
          chosen = id
          break
        end
      end
    end
  end
end

local created = 0
if chosen == nil then
  if redis.call('EXISTS', P .. 'room:' .. new_id) == 1 then return 'exists' end
  redis.call('ZREMRANGEBYSCORE', P .. 'procs', '-inf', now)
  local pids = redis.call('ZRANGE', P .. 'procs', 0, -1)
  table.sort(pids)
  local best, best_rooms, best_max = nil, nil, nil
  for _, pid in ipairs(pids) do
    local p = redis.call('HMGET', P .. 'proc:' .. pid, 'types', 'rooms')
    if p[1] then
      local max = cjson.decode(p[1])[rtype]
      local rooms = tonumber(p[2] or '0')
      if max and (best == nil or rooms < best_rooms) then best, best_rooms, best_max = pid, rooms, max end
    end
  end
  if best == nil then return 'no_process' end
  local url = redis.call('HGET', P .. 'proc:' .. best, 'url')
  local meta = ARGV[5]
  if meta == '[]' then meta = '{}' end
  local key = P .. 'room:' .. new_id
  redis.call('HSET', key, 'id', new_id, 'type', rtype, 'process', best, 'url', url, 'max', best_max, 'locked', '0',
    'meta', meta, 'clients', 0, 'seats', 0, 'pending', '1', 'endpoints', '{}')
  redis.call('PEXPIRE', key, pending_ttl)
  redis.call('SADD', P .. 'type:' .. rtype, new_id)
  redis.call('SADD', P .. 'types', rtype)
  redis.call('HINCRBY', P .. 'proc:' .. best, 'rooms', 1)
  chosen = new_id
  created = 1
end
local r = take(chosen)
return { chosen, r[1], r[2], r[3], created }
`;

/** ARGV: P, roomId, token → 1 if the token held an unexpired seat there (now used), else 0. */
export const CONSUME_SEAT = `${COMMON}
local room_id, token = ARGV[2], ARGV[3]
local skey = P .. 'seat:' .. token
if redis.call('GET', skey) ~= room_id then return 0 end
redis.call('DEL', skey)
local now = now_ms()
local rkey = P .. 'res:' .. room_id
local expiry = redis.call('ZSCORE', rkey, token)
if not expiry then return 0 end
if tonumber(expiry) <= now then
  purge(room_id, now)
  return 0
end
redis.call('ZREM', rkey, token)
return 1
`;

/** ARGV: P, roomId → 'ok' | 'full' | 'locked' | 'unknown'. */
export const CLAIM_SEAT = `${COMMON}
local id = ARGV[2]
local key = P .. 'room:' .. id
if redis.call('EXISTS', key) == 0 then return 'unknown' end
purge(id, now_ms())
local r = redis.call('HMGET', key, 'locked', 'seats', 'max')
if r[1] == '1' then return 'locked' end
if tonumber(r[2]) >= tonumber(r[3]) then return 'full' end
redis.call('HINCRBY', key, 'seats', 1)
reindex(id)
return 'ok'
`;

/** ARGV: P, type ('' for every type) → JSON array of room hashes. */
export const LIST_ROOMS = `${COMMON}
local now = now_ms()
local types
if ARGV[2] == '' then types = redis.call('SMEMBERS', P .. 'types') else types = { ARGV[2] } end
local out = {}
for _, rtype in ipairs(types) do
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'type:' .. rtype)) do
    local key = P .. 'room:' .. id
    if redis.call('EXISTS', key) == 0 then
      redis.call('SREM', P .. 'type:' .. rtype, id)
    else
      purge(id, now)
      local h = redis.call('HGETALL', key)
      local row = {}
      for i = 1, #h, 2 do row[h[i]] = h[i + 1] end
      table.insert(out, row)
    end
  end
end
if #out == 0 then return '[]' end
return cjson.encode(out)
`;

/** ARGV: P, id, url, types (JSON), rooms, ttlMs. */
export const REGISTER_PROCESS = `${COMMON}
local id, ttl = ARGV[2], tonumber(ARGV[6])
local now = now_ms()
redis.call('ZADD', P .. 'procs', now + ttl, id)
redis.call('HSET', P .. 'proc:' .. id, 'id', id, 'url', ARGV[3], 'types', ARGV[4], 'rooms', ARGV[5])
redis.call('PEXPIRE', P .. 'proc:' .. id, ttl)
return 1
`;

/** ARGV: P → JSON array of live process hashes. */
export const LIST_PROCESSES = `${COMMON}
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', P .. 'procs', '-inf', now)
local out = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'procs', 0, -1)) do
  local h = redis.call('HGETALL', P .. 'proc:' .. id)
  if #h > 0 then
    local row = {}
    for i = 1, #h, 2 do row[h[i]] = h[i + 1] end
    table.insert(out, row)
  end
end
if #out == 0 then return '[]' end
return cjson.encode(out)
`;
