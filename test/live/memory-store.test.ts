import { describe, expect, it } from 'vitest';
import { createMemoryWatchStore, nextStreamId } from '../../src/live/memory-store';
import { describeWatchStore } from './store-contract';

describeWatchStore('memory', async () => {
  const store = createMemoryWatchStore();
  return { store, close: () => store.close() };
});

describe('memory store', () => {
  it('makes ids like Redis: the ms, then a sequence within the ms', () => {
    expect(nextStreamId('0-0', 5)).toBe('5-0');
    expect(nextStreamId('5-0', 5)).toBe('5-1');
    expect(nextStreamId('5-1', 4)).toBe('5-2');
    expect(nextStreamId('5-2', 6)).toBe('6-0');
  });

  it('forgets a watch\'s snapshot and stream after its retention (ids keep growing)', async () => {
    let t = 1_000;
    const store = createMemoryWatchStore({ now: () => t });
    await store.acquireLease('w', 'a', 100_000);
    const r = await store.commit('w', 'a', { base: null, epoch: 'E', entries: [{ type: 'reset', epoch: 'E', poll: 'p', observedAt: t }], records: [], observedAt: t, maxEvents: 10, retainMs: 500 });
    expect(r.ok).toBe(true);
    t += 400;
    expect(await store.renewLease('w', 'a', 100_000, 500)).toBe(true);
    t += 400;
    expect((await store.loadSnapshot('w')).snapshot).not.toBeNull();
    t += 200;
    const gone = await store.loadSnapshot('w');
    expect(gone.snapshot).toBeNull();
    expect(gone.head).toBe('1000-0');
    await store.close();
  });
});
