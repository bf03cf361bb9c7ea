/**
 * The Lua scripts behind the watch store's atomic steps: renewing a lease only for its holder
 * (compare-and-renew), releasing it only by its holder, and a poll's commit (lease check, base
 * check, XADDs and the snapshot's replacement in one step, so no replica can see a snapshot
 * without the entries before it, or entries without their snapshot). Run by EVALSHA, falling back
 * to EVAL once when the server does not know the script yet (a restart flushes the script cache).
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

export interface Script {
  lua: string;
  sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

/** KEYS lease, snap, events; ARGV token, ttl ms, retain ms. 1 = renewed, 0 = not the holder. */
export const RENEW = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
`);

/** KEYS lease; ARGV token. */
export const RELEASE = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * KEYS lease, snap, events; ARGV token, base epoch ('' = fresh start), base position, epoch,
 * observedAt, retain ms, max events, replace records ('1'/'0'), records JSON, n, entry JSON × n.
 * Returns {1, position} or {0, 'lease' | 'conflict'}.
 */
export const COMMIT = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0, 'lease'} end
local cur = redis.call('HMGET', KEYS[2], 'epoch', 'pos')
if ARGV[2] == '' then
  if cur[1] then return {0, 'conflict'} end
elseif cur[1] ~= ARGV[2] or cur[2] ~= ARGV[3] then
  return {0, 'conflict'}
end
local pos = ARGV[3]
local n = tonumber(ARGV[10])
for i = 1, n do
  pos = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'e', ARGV[10 + i])
end
if ARGV[8] == '1' then
  redis.call('HSET', KEYS[2], 'epoch', ARGV[4], 'pos', pos, 'at', ARGV[5], 'data', ARGV[9])
else
  redis.call('HSET', KEYS[2], 'epoch', ARGV[4], 'pos', pos, 'at', ARGV[5])
end
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return {1, pos}
`);

/** KEYS lease, snap, events; ARGV token, entry JSON, retain ms. 1 = ended, 0 = not the holder. */
export const END = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('XADD', KEYS[3], '*', 'e', ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
`);

export async function runScript(redis: Redis, s: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(s.lua, keys.length, ...keys, ...args);
  }
}
