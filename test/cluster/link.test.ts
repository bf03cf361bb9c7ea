import { afterAll, describe, expect, it } from 'vitest';
import { createClusterLink, redactUrl, type ClusterMode } from '../../src/cluster/link';
import { until } from '../helpers/live';
import { freePort, redisUrl, releaseRedis, testPrefix } from '../helpers/redis';

afterAll(releaseRedis);

describe('cluster link', () => {
  it('is in cluster mode while Redis answers; an answered error changes nothing; a transport failure goes local, then back', async () => {
    const link = createClusterLink({ url: await redisUrl(), prefix: testPrefix(), probeMs: 100 });
    const modes: ClusterMode[] = [];
    link.onModeChange((m) => modes.push(m));
    try {
      expect(await link.ready(5_000)).toBe('cluster');
      const replyError = await link.redis.call('NO-SUCH-COMMAND').catch((e: unknown) => e);
      expect(link.failed(replyError)).toBe(false);
      expect(link.mode).toBe('cluster');
      expect(link.failed(new Error('Command timed out'))).toBe(true);
      expect(link.mode).toBe('local');
      await until(() => link.mode === 'cluster', 3_000, 'the probe');
      expect(modes).toEqual(['cluster', 'local', 'cluster']);
    } finally {
      await link.close();
    }
  });

  it('starts local when nothing answers, without throwing at anyone', async () => {
    const port = await freePort();
    const link = createClusterLink({ url: `redis://127.0.0.1:${port}`, prefix: 'x:', probeMs: 100 });
    try {
      const t0 = Date.now();
      expect(await link.ready(3_000)).toBe('local');
      expect(Date.now() - t0).toBeLessThan(2_500);
      await expect(link.redis.get('k')).rejects.toThrow();
      expect(link.mode).toBe('local');
    } finally {
      await link.close();
    }
  });

  it('never logs a password', () => {
    expect(redactUrl('redis://user:s3cret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('not a url')).toBe('(unparseable REDIS_URL)');
  });
});
