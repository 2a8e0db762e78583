/**
 * Lua scripts: Redis runs each one atomically, so a task's new state, its session's next number,
 * the session's journal entry and the event every node follows are written together or not at
 * all. A client can therefore never be sent a state that is not in Redis, and numbers never skip.
 */

/**
 * Writes a task and announces it.
 * KEYS: tasks, session, sessionTasks, journal, events, finished.
 * ARGV: id, task JSON, event JSON, session id, time, epoch candidate, journal length, events
 * length, guard (states the stored task must be in, comma-separated; `!` = must not exist;
 * empty = any), session TTL seconds, final (`1`/`0`).
 * Returns {1, seq, epoch} or {0, stored JSON or false} when the guard refused.
 */
export const COMMIT_TASK = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local guard = ARGV[9]
if guard == '!' then
  if current then return {0, current} end
elseif guard ~= '' then
  if not current then return {0, false} end
  local state = cjson.decode(current).state
  local allowed = false
  for s in string.gmatch(guard, '[^,]+') do if s == state then allowed = true end end
  if not allowed then return {0, current} end
end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
if seq == 1 then redis.call('DEL', KEYS[4]) end
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[6])
local epoch = redis.call('HGET', KEYS[2], 'epoch')
redis.call('EXPIRE', KEYS[2], ARGV[10])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[10])
if ARGV[11] == '1' then redis.call('ZADD', KEYS[6], ARGV[5], ARGV[1]) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], seq .. '-1', 'e', ARGV[3], 't', ARGV[5])
redis.call('EXPIRE', KEYS[4], ARGV[10])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[8], '*', 's', ARGV[4], 'n', seq, 'e', ARGV[3], 't', ARGV[5])
return {1, seq, epoch}
`;

/**
 * Deletes a session's tasks that are in one of the allowed states, and announces the deletion.
 * KEYS: tasks, session, sessionTasks, journal, events, finished.
 * ARGV: session id, time, epoch candidate, journal length, events length, allowed states
 * (comma-separated), session TTL seconds, then the task ids.
 * Returns {seq, deleted ids...} or {0} when none was deleted.
 */
export const DELETE_TASKS = `
local allowed = {}
for s in string.gmatch(ARGV[6], '[^,]+') do allowed[s] = true end
local deleted = {}
for i = 8, #ARGV do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current then
    local task = cjson.decode(current)
    if allowed[task.state] and task.clientId == ARGV[1] then
      redis.call('HDEL', KEYS[1], ARGV[i])
      redis.call('SREM', KEYS[3], ARGV[i])
      redis.call('ZREM', KEYS[6], ARGV[i])
      deleted[#deleted + 1] = ARGV[i]
    end
  end
end
if #deleted == 0 then return {0} end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
if seq == 1 then redis.call('DEL', KEYS[4]) end
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[7])
local event = cjson.encode({type = 'tasksDeleted', clientId = ARGV[1], ids = deleted})
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], seq .. '-1', 'e', event, 't', ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[7])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', 's', ARGV[1], 'n', seq, 'e', event, 't', ARGV[2])
local reply = {seq}
for i = 1, #deleted do reply[#reply + 1] = deleted[i] end
return reply
`;

/**
 * Where a socket opening for a session starts, read in one atomic step.
 * KEYS: session, sessionTasks, tasks, journal.
 * ARGV: epoch candidate, the client's epoch (or empty), its lastSeq (or -1), session TTL seconds.
 * Returns {'resume', seq, epoch, entries} or {'snapshot', seq, epoch, task JSONs}.
 */
export const OPEN_SESSION = `
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', seq)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
local last = tonumber(ARGV[3])
if ARGV[2] == epoch and last >= 0 and last <= seq then
  if last == seq then return {'resume', seq, epoch, {}} end
  local entries = redis.call('XRANGE', KEYS[4], (last + 1) .. '-1', seq .. '-1')
  if #entries > 0 and entries[1][1] == (last + 1) .. '-1' and #entries == seq - last then
    return {'resume', seq, epoch, entries}
  end
end
local ids = redis.call('SMEMBERS', KEYS[2])
local found = {}
for i = 1, #ids do
  local task = redis.call('HGET', KEYS[3], ids[i])
  if task then found[#found + 1] = task end
end
return {'snapshot', seq, epoch, found}
`;

/**
 * Every stored task and the id of the last event, in one atomic step: a node that loads this and
 * then follows the events stream from that id misses nothing and sees nothing twice.
 * KEYS: tasks, events.
 */
export const LOAD_ALL = `
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local id = '0-0'
if #last > 0 then id = last[1][1] end
return {id, redis.call('HVALS', KEYS[1])}
`;

/**
 * Takes a run slot of a kind that limits itself (`concurrency`, `rateLimit`), for the whole
 * cluster. Slots are leases (a worker that dies frees its slot when the lease runs out; a running
 * task renews its own).
 * KEYS: the kind's running leases (ZSET task id → lease end), its recent starts (ZSET).
 * ARGV: task id, now, lease end, concurrency (0: none), rate max (0: none), rate window ms.
 * Returns {1} when taken, or {0, ms to wait, reason}.
 */
export const TAKE_KIND_SLOT = `
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  return {1}
end
local limit = tonumber(ARGV[4])
if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then return {0, 500, 'limit'} end
local max = tonumber(ARGV[5])
if max > 0 then
  local per = tonumber(ARGV[6])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - per)
  if redis.call('ZCARD', KEYS[2]) >= max then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {0, math.max(50, tonumber(oldest[2]) + per - now), 'rate'}
  end
  redis.call('ZADD', KEYS[2], now, ARGV[1] .. ':' .. now)
  redis.call('PEXPIRE', KEYS[2], per * 2)
end
if limit > 0 then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return {1}
`;
