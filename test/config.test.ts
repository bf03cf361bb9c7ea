import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

function configError(env: Record<string, string | undefined>): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

describe('loadConfig defaults', () => {
  it('gives every documented default on an empty environment', () => {
    const c = loadConfig({});
    expect(c.nodeEnv).toBe('development');
    expect(c.server).toEqual({
      port: 4000,
      host: '0.0.0.0',
      requestDeadlineMs: 25_000,
      maxConcurrentRequests: 1_000,
      maxConnections: 4_096,
      readTimeoutMs: 30_000,
    });
    expect(c.upstream).toMatchObject({
      apiKey: undefined,
      apiSecret: undefined,
      baseUrl: 'https://api.laaffic.com',
      connectTimeoutMs: 3_000,
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 10_000,
      callDeadlineMs: 15_000,
      retries: 3,
      retryBaseMs: 100,
      concurrency: 16,
      connections: 32,
      maxResponseBytes: 4_000_000,
    });
    expect(c.upstream.zone).toMatchObject({ kind: 'offset', offsetMinutes: 480, name: '+08:00' });
    expect(c.upstream.lines).toEqual([
      {
        id: 'GROUP_CALL',
        tasksPath: '/v3/voice/group/call/query',
        recallFlowsPath: '/v3/voice/recallFlow/queryPage',
        recallFlowDetailPath: '/v3/voice/recallFlow/queryDetail',
        taskParams: {},
      },
      {
        id: 'AI_AGENT',
        tasksPath: '/voice/group/call/query',
        recallFlowsPath: '/voice/recallFlow/queryPage',
        recallFlowDetailPath: '/voice/recallFlow/queryDetail',
        taskParams: { taskType: 3 },
      },
    ]);
    expect(c.defaultWindowDays).toBe(30);
    expect(c.maxWindowDays).toBe(366);
    expect(c.join).toEqual({ lookbackHours: 24, skewMinutes: 5 });
    expect(c.log.level).toBe('info');
    expect(c.useSimulator).toBe(true);
    expect(c.simulatorPort).toBe(0);
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ PORT: '', LAAFFIC_TIMEZONE: '', LAAFFIC_API_KEY: '', UPSTREAM_RETRIES: '' });
    expect(c.server.port).toBe(4000);
    expect(c.upstream.zone).toMatchObject({ offsetMinutes: 480 });
    expect(c.useSimulator).toBe(true);
    expect(c.upstream.retries).toBe(3);
  });

  it('reads explicit values', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      LAAFFIC_BASE_URL: 'http://127.0.0.1:9999/prefix/',
      LAAFFIC_TIMEZONE: 'America/New_York',
      LAAFFIC_RECALL_FLOWS_PATH: '/v3/voice/recallFlow/queryPage',
      UPSTREAM_RETRIES: '0',
      UPSTREAM_RETRY_BASE_MS: '5',
      UPSTREAM_CONCURRENCY: '2',
      LOG_LEVEL: 'silent',
      LOG_PRETTY: 'no',
      NODE_ENV: 'test',
    });
    expect(c.server.port).toBe(8080);
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.upstream.baseUrl).toBe('http://127.0.0.1:9999/prefix');
    expect(c.upstream.zone).toMatchObject({ kind: 'iana', name: 'America/New_York' });
    // The variable from before the AI Agent line still names the group-call line's flows path.
    expect(c.upstream.lines[0]).toMatchObject({ id: 'GROUP_CALL', recallFlowsPath: '/v3/voice/recallFlow/queryPage' });
    expect(c.upstream.retries).toBe(0);
    expect(c.upstream.retryBaseMs).toBe(5);
    expect(c.upstream.concurrency).toBe(2);
    expect(c.log).toEqual({ level: 'silent', pretty: false });
    expect(c.nodeEnv).toBe('test');
  });

  it('reads integers as decimal, tolerating surrounding spaces', () => {
    expect(loadConfig({ PORT: ' 8080 ' }).server.port).toBe(8080);
    expect(loadConfig({ UPSTREAM_RETRIES: '+2' }).upstream.retries).toBe(2);
  });

  it('accepts offsets in several spellings and IANA zones', () => {
    expect(loadConfig({ LAAFFIC_TIMEZONE: '-05:30' }).upstream.zone).toMatchObject({ offsetMinutes: -330 });
    expect(loadConfig({ LAAFFIC_TIMEZONE: 'UTC' }).upstream.zone).toMatchObject({ offsetMinutes: 0 });
    expect(loadConfig({ LAAFFIC_TIMEZONE: 'Asia/Shanghai' }).upstream.zone).toMatchObject({ kind: 'iana' });
  });
});

describe('credentials', () => {
  it('uses the simulator when no key is configured', () => {
    expect(loadConfig({}).useSimulator).toBe(true);
    expect(loadConfig({ LAAFFIC_API_SECRET: 'only-a-secret' }).useSimulator).toBe(true);
  });

  it('uses the real upstream when key and secret are set', () => {
    const c = loadConfig({ LAAFFIC_API_KEY: 'k', LAAFFIC_API_SECRET: 's' });
    expect(c.useSimulator).toBe(false);
    expect(c.upstream.apiKey).toBe('k');
    expect(c.upstream.apiSecret).toBe('s');
  });

  it('rejects a key without a secret, naming LAAFFIC_API_SECRET', () => {
    const e = configError({ LAAFFIC_API_KEY: 'key-without-secret' });
    expect(e.message).toContain('LAAFFIC_API_SECRET');
  });
});

describe('bad values stop with a ConfigError naming the variable', () => {
  it.each<[string, string]>([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '   '],
    ['PORT', '0x1F90'],
    ['PORT', '1e3'],
    ['LAAFFIC_TIMEZONE', 'Mars/Olympus'],
    ['LAAFFIC_TIMEZONE', '+25:00'],
    ['LAAFFIC_BASE_URL', 'ftp://x'],
    ['LAAFFIC_BASE_URL', 'not a url'],
    ['LAAFFIC_TASKS_PATH', 'v3/no/leading/slash'],
    ['LAAFFIC_RECALL_FLOWS_PATH', '/has space'],
    ['LAAFFIC_AI_AGENT_TASKS_PATH', 'relative'],
    ['LAAFFIC_GROUP_CALL_RECALL_FLOW_DETAIL_PATH', '/a b'],
    ['LAAFFIC_PRODUCTS', 'IVR'],
    ['LAAFFIC_PRODUCTS', ' , '],
    ['UPSTREAM_RETRIES', '-1'],
    ['UPSTREAM_RETRIES', '11'],
    ['UPSTREAM_RETRIES', 'three'],
    ['UPSTREAM_RETRY_BASE_MS', '0'],
    ['UPSTREAM_CONCURRENCY', '0'],
    ['UPSTREAM_CONNECTIONS', '1.5'],
    ['UPSTREAM_CONNECT_TIMEOUT_MS', '0'],
    ['UPSTREAM_HEADERS_TIMEOUT_MS', 'soon'],
    ['UPSTREAM_CALL_DEADLINE_MS', '999999999'],
    ['REQUEST_DEADLINE_MS', '0'],
    ['DEFAULT_WINDOW_DAYS', '0'],
    ['LAAFFIC_MAX_WINDOW_DAYS', '0'],
    ['LAAFFIC_MAX_WINDOW_DAYS', '3661'],
    ['LAAFFIC_MAX_WINDOW_DAYS', 'a year'],
    ['JOIN_LOOKBACK_HOURS', '0'],
    ['JOIN_SKEW_MINUTES', '-5'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_PRETTY', 'maybe'],
    ['NODE_ENV', 'staging'],
    ['SIMULATOR_PORT', '65536'],
  ])('%s=%s', (name, value) => {
    const e = configError({ [name]: value });
    expect(e.name).toBe('ConfigError');
    expect(e.message).toContain(name);
  });

  it('LAAFFIC_MAX_WINDOW_DAYS bounds the default window and the join window', () => {
    expect(loadConfig({ LAAFFIC_MAX_WINDOW_DAYS: '31', DEFAULT_WINDOW_DAYS: '31' }).maxWindowDays).toBe(31);
    const tooLong = configError({ LAAFFIC_MAX_WINDOW_DAYS: '31', DEFAULT_WINDOW_DAYS: '32' });
    expect(tooLong.message).toMatch(/DEFAULT_WINDOW_DAYS: 32 is longer than LAAFFIC_MAX_WINDOW_DAYS \(31\)/);
    expect(configError({ LAAFFIC_MAX_WINDOW_DAYS: '1', DEFAULT_WINDOW_DAYS: '1', JOIN_LOOKBACK_HOURS: '24' }).message).toMatch(/JOIN_LOOKBACK_HOURS/);
    expect(loadConfig({ LAAFFIC_MAX_WINDOW_DAYS: '1', DEFAULT_WINDOW_DAYS: '1', JOIN_LOOKBACK_HOURS: '23' }).join.lookbackHours).toBe(23);
  });

  it('names every bad variable at once, schema and time zone alike', () => {
    const e = configError({ PORT: 'abc', UPSTREAM_RETRIES: '-1', LAAFFIC_TIMEZONE: 'Mars/Olympus' });
    expect(e.message).toContain('PORT');
    expect(e.message).toContain('UPSTREAM_RETRIES');
    expect(e.message).toContain('LAAFFIC_TIMEZONE');
  });

  it('does not name variables that are fine', () => {
    const e = configError({ PORT: 'abc', UPSTREAM_RETRIES: '2' });
    expect(e.message).not.toContain('UPSTREAM_RETRIES');
  });
});

describe('the secret never appears in a configuration error', () => {
  const SECRET = 'Zq9-very-secret-value-7x';

  it.each<[string, Record<string, string>]>([
    ['PORT=abc', { PORT: 'abc' }],
    ['a bad time zone', { LAAFFIC_TIMEZONE: 'Mars/Olympus' }],
    ['a bad base URL', { LAAFFIC_BASE_URL: 'ftp://x' }],
    ['several bad values', { PORT: 'abc', LOG_LEVEL: 'loud', UPSTREAM_RETRIES: '-1', LAAFFIC_TIMEZONE: 'Mars/Olympus' }],
  ])('with %s', (_name, env) => {
    const e = configError({ LAAFFIC_API_KEY: 'some-key', LAAFFIC_API_SECRET: SECRET, ...env });
    expect(e.message).not.toContain(SECRET);
    expect(String(e)).not.toContain(SECRET);
    expect(e.stack ?? '').not.toContain(SECRET);
    expect(JSON.stringify(e)).not.toContain(SECRET);
  });

  it('even when the secret is itself the odd one out (key missing is fine, secret only)', () => {
    const c = loadConfig({ LAAFFIC_API_SECRET: SECRET });
    expect(c.useSimulator).toBe(true);
  });
});

describe('product lines', () => {
  it('LAAFFIC_PRODUCTS picks the lines served (case and spaces ignored, duplicates dropped)', () => {
    expect(loadConfig({ LAAFFIC_PRODUCTS: 'ai_agent' }).upstream.lines.map((l) => l.id)).toEqual(['AI_AGENT']);
    expect(loadConfig({ LAAFFIC_PRODUCTS: ' GROUP_CALL , group_call' }).upstream.lines.map((l) => l.id)).toEqual(['GROUP_CALL']);
    expect(loadConfig({ LAAFFIC_PRODUCTS: 'AI_AGENT,GROUP_CALL' }).upstream.lines.map((l) => l.id)).toEqual(['AI_AGENT', 'GROUP_CALL']);
  });

  it('an unknown line is a start-up error naming the variable and the known lines', () => {
    const e = configError({ LAAFFIC_PRODUCTS: 'GROUP_CALL,IVR' });
    expect(e.message).toContain('LAAFFIC_PRODUCTS');
    expect(e.message).toContain('"IVR"');
    expect(e.message).toContain('AI_AGENT');
  });

  it('each line has its own three paths', () => {
    const c = loadConfig({
      LAAFFIC_AI_AGENT_TASKS_PATH: '/a/tasks',
      LAAFFIC_AI_AGENT_RECALL_FLOWS_PATH: '/a/flows',
      LAAFFIC_AI_AGENT_RECALL_FLOW_DETAIL_PATH: '/a/detail',
      LAAFFIC_GROUP_CALL_TASKS_PATH: '/g/tasks',
      LAAFFIC_GROUP_CALL_RECALL_FLOWS_PATH: '/g/flows',
      LAAFFIC_GROUP_CALL_RECALL_FLOW_DETAIL_PATH: '/g/detail',
    });
    expect(c.upstream.lines).toEqual([
      { id: 'GROUP_CALL', tasksPath: '/g/tasks', recallFlowsPath: '/g/flows', recallFlowDetailPath: '/g/detail', taskParams: {} },
      { id: 'AI_AGENT', tasksPath: '/a/tasks', recallFlowsPath: '/a/flows', recallFlowDetailPath: '/a/detail', taskParams: { taskType: 3 } },
    ]);
  });

  it('LAAFFIC_TASKS_PATH / LAAFFIC_RECALL_FLOWS_PATH keep naming the group-call line paths', () => {
    const c = loadConfig({ LAAFFIC_TASKS_PATH: '/old/tasks', LAAFFIC_RECALL_FLOWS_PATH: '/old/flows' });
    expect(c.upstream.lines[0]).toMatchObject({ id: 'GROUP_CALL', tasksPath: '/old/tasks', recallFlowsPath: '/old/flows' });
    expect(c.upstream.lines[1]).toMatchObject({ id: 'AI_AGENT', tasksPath: '/voice/group/call/query' });
    // The same value under both names is no conflict.
    expect(loadConfig({ LAAFFIC_TASKS_PATH: '/x', LAAFFIC_GROUP_CALL_TASKS_PATH: '/x' }).upstream.lines[0]!.tasksPath).toBe('/x');
  });

  it('an old and a new name with different values is a start-up error naming both', () => {
    const e = configError({ LAAFFIC_RECALL_FLOWS_PATH: '/old', LAAFFIC_GROUP_CALL_RECALL_FLOWS_PATH: '/new' });
    expect(e.message).toContain('LAAFFIC_RECALL_FLOWS_PATH');
    expect(e.message).toContain('LAAFFIC_GROUP_CALL_RECALL_FLOWS_PATH');
  });
});

describe('live updates and the cluster', () => {
  it('defaults: polled every 5 s, 1000 records and events, 3 failures, no Redis', () => {
    const c = loadConfig({});
    expect(c.live).toEqual({
      pollIntervalMs: 5_000,
      maxRecords: 1_000,
      replayEvents: 1_000,
      maxFailedPolls: 3,
      maxSubscriptions: 10_000,
      maxSubscriptionsPerConnection: 100,
      maxBuffered: 1_000,
    });
    expect(c.cluster).toEqual({ redisUrl: undefined, keyPrefix: 'laaffic:' });
  });

  it('reads explicit values', () => {
    const c = loadConfig({
      REDIS_URL: 'rediss://user:pw@redis.internal:6380/2',
      REDIS_KEY_PREFIX: 'prod-eu:',
      LIVE_POLL_INTERVAL_MS: '2000',
      LIVE_MAX_RECORDS: '500',
      LIVE_REPLAY_EVENTS: '200',
      LIVE_MAX_FAILED_POLLS: '5',
      LIVE_MAX_SUBSCRIPTIONS: '50',
      LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '7',
      LIVE_MAX_BUFFERED_EVENTS: '64',
    });
    expect(c.cluster).toEqual({ redisUrl: 'rediss://user:pw@redis.internal:6380/2', keyPrefix: 'prod-eu:' });
    expect(c.live).toEqual({
      pollIntervalMs: 2_000,
      maxRecords: 500,
      replayEvents: 200,
      maxFailedPolls: 5,
      maxSubscriptions: 50,
      maxSubscriptionsPerConnection: 7,
      maxBuffered: 64,
    });
  });

  it.each<[string, string]>([
    ['REDIS_URL', 'http://redis:6379'],
    ['REDIS_URL', 'not a url'],
    ['REDIS_KEY_PREFIX', 'has space:'],
    ['REDIS_KEY_PREFIX', 'glob*:'],
    ['REDIS_KEY_PREFIX', '{tag}:'],
    ['REDIS_KEY_PREFIX', 'x'.repeat(101)],
    ['LIVE_POLL_INTERVAL_MS', '50'],
    ['LIVE_POLL_INTERVAL_MS', 'often'],
    ['LIVE_MAX_RECORDS', '0'],
    ['LIVE_REPLAY_EVENTS', '-1'],
    ['LIVE_MAX_FAILED_POLLS', '0'],
    ['LIVE_MAX_SUBSCRIPTIONS', '1.5'],
    ['LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', '0'],
    ['LIVE_MAX_BUFFERED_EVENTS', '0x10'],
  ])('%s=%s is a ConfigError naming it', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });

  it('never echoes a Redis password in an error', () => {
    const e = configError({ REDIS_URL: 'http://user:Zq9-redis-pass@redis:6379', PORT: 'abc' });
    expect(e.message).toContain('REDIS_URL');
    expect(e.message).not.toContain('Zq9-redis-pass');
  });
});

describe('PERSISTED_OPERATIONS_FILE validation', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'persisted-ops-config-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the file into the allow-list (hash → operation text); unset = none', () => {
    const file = join(dir, 'operations.json');
    writeFileSync(file, JSON.stringify({ abc: '{ __typename }' }));
    expect(loadConfig({ PERSISTED_OPERATIONS_FILE: file }).persistedOperations).toEqual(new Map([['abc', '{ __typename }']]));
    expect(loadConfig({}).persistedOperations).toBeUndefined();
  });

  it('names the variable when the file is missing or not an object of strings', () => {
    expect(() => loadConfig({ PERSISTED_OPERATIONS_FILE: join(dir, 'missing.json') })).toThrow(/PERSISTED_OPERATIONS_FILE/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ abc: 42 }));
    expect(() => loadConfig({ PERSISTED_OPERATIONS_FILE: bad })).toThrow(/PERSISTED_OPERATIONS_FILE/);
    writeFileSync(bad, '[]');
    expect(() => loadConfig({ PERSISTED_OPERATIONS_FILE: bad })).toThrow(/PERSISTED_OPERATIONS_FILE/);
    expect(configError({ PERSISTED_OPERATIONS_FILE: bad, PORT: 'x' }).message).toMatch(/PORT[\s\S]*PERSISTED_OPERATIONS_FILE|PERSISTED_OPERATIONS_FILE[\s\S]*PORT/);
  });
});
