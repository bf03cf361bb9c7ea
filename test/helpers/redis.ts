/**
 * The Redis the tests use, found once per test file: REDIS_URL when set; else 127.0.0.1:6379 when
 * it answers PING; else a redis-server from PATH started on a free port (no persistence) and
 * stopped after the file. No Redis at all is a failure that says how to get one: these tests are
 * never skipped. Files run in parallel and CI runs the suite several times against one Redis, so
 * every test works under its own random key prefix and deletes its keys (SCAN + DEL) at the end.
 * `spawnRedis()` starts a private server a test may stop and restart (never the shared one).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import Redis from 'ioredis';

/** True when something at host:port answers PING with PONG within `timeoutMs`. */
export function pings(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(String(d).startsWith('+PONG')));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const NO_REDIS = [
  'The live/cluster tests need a Redis and found none:',
  '  REDIS_URL is not set, nothing answers PING at 127.0.0.1:6379, and there is no redis-server on PATH.',
  'Get one: `apt-get install redis-server` (the tests start it themselves), or run one and set REDIS_URL=redis://host:port.',
].join('\n');

export interface SpawnedRedis {
  port: number;
  url: string;
  /** Stops the server at once (SIGKILL: as a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A private redis-server on a free port: the test may kill and restart it. */
export async function spawnRedis(): Promise<SpawnedRedis> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error(NO_REDIS);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 5_000;
    while (!(await pings(port, '127.0.0.1', 200))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await start();
  process.once('exit', () => child?.kill('SIGKILL'));
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: start, stop: kill };
}

let found: Promise<{ url: string; stop(): Promise<void> }> | null = null;

/** The tests' Redis URL (see the header); call `releaseRedis()` in afterAll. */
export function redisUrl(): Promise<string> {
  found ??= (async () => {
    if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
    if (await pings(6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => {} };
    const own = await spawnRedis();
    return { url: own.url, stop: own.stop };
  })();
  return found.then((f) => f.url);
}

/** Stops the redis-server this file started, if it started one. */
export async function releaseRedis(): Promise<void> {
  const f = found;
  found = null;
  if (f) await (await f).stop();
}

/** A key prefix no other test (or CI run) uses. */
export function testPrefix(): string {
  return `laaffic-test:${randomBytes(5).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + DEL); returns how many. */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  let deleted = 0;
  try {
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** The keys under `prefix` (for assertions on the layout). */
export async function listKeys(url: string, prefix: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keys: string[] = [];
  let cursor = '0';
  try {
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return keys.sort();
}
