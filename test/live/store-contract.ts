/**
 * The WatchStore contract, run against the memory store (test/live/memory-store.test.ts) and the
 * Redis store (test/cluster/redis-watch-store.test.ts): both must behave alike for the engine.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareIds } from '../../src/live/cursor';
import type { NewEntry, StreamEntry, WatchStore } from '../../src/live/store';
import { sleep, until } from '../helpers/live';

const change = (epoch: string, n: number): NewEntry => ({
  type: 'change',
  epoch,
  poll: `p${n}`,
  observedAt: 1000 + n,
  change: { kind: 'UPDATED', id: `T:${n}`, record: { n }, changedFields: ['n'] },
});

export function describeWatchStore(name: string, make: () => Promise<{ store: WatchStore; close(): Promise<void> }>): void {
  describe(`WatchStore contract: ${name}`, () => {
    let store: WatchStore;
    let close: () => Promise<void>;
    const watch = () => `w${randomUUID().slice(0, 8)}`;

    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await close();
    });

    it('leases: one holder; renew and release only by it; gone after its TTL', async () => {
      const w = watch();
      expect(await store.acquireLease(w, 'a', 300)).toBe(true);
      expect(await store.acquireLease(w, 'b', 300)).toBe(false);
      expect(await store.acquireLease(w, 'a', 300)).toBe(false); // acquire is NX: renewing is another call
      expect(await store.renewLease(w, 'a', 300, 10_000)).toBe(true);
      expect(await store.renewLease(w, 'b', 300, 10_000)).toBe(false);
      await store.releaseLease(w, 'b');
      expect(await store.acquireLease(w, 'b', 300)).toBe(false);
      await store.releaseLease(w, 'a');
      expect(await store.acquireLease(w, 'b', 150)).toBe(true);
      await sleep(250);
      expect(await store.renewLease(w, 'b', 150, 10_000)).toBe(false);
      expect(await store.acquireLease(w, 'c', 150)).toBe(true);
    });

    it('commits: fresh start, then on the current base only, by the holder only', async () => {
      const w = watch();
      expect(await store.loadSnapshot(w)).toEqual({ snapshot: null, head: '0-0' });
      await store.acquireLease(w, 'a', 5_000);
      const fresh = await store.commit(w, 'a', {
        base: null,
        epoch: 'E1',
        entries: [{ type: 'reset', epoch: 'E1', poll: 'p0', observedAt: 1000 }],
        records: [{ id: 'T:1', record: { n: 0 } }],
        observedAt: 1000,
        maxEvents: 100,
        retainMs: 10_000,
      });
      expect(fresh.ok).toBe(true);
      const p1 = (fresh as { position: string }).position;
      expect(await store.loadSnapshot(w)).toEqual({
        snapshot: { epoch: 'E1', position: p1, observedAt: 1000, records: [{ id: 'T:1', record: { n: 0 } }] },
        head: p1,
      });
      const again = { base: null, epoch: 'E2', entries: [{ type: 'reset', epoch: 'E2', poll: 'p', observedAt: 1 } as NewEntry], records: [], observedAt: 1, maxEvents: 100, retainMs: 10_000 };
      expect(await store.commit(w, 'a', again)).toEqual({ ok: false, reason: 'conflict' });
      expect(await store.commit(w, 'b', again)).toEqual({ ok: false, reason: 'lease' });

      const next = await store.commit(w, 'a', {
        base: { epoch: 'E1', position: p1 },
        epoch: 'E1',
        entries: [change('E1', 1)],
        records: [{ id: 'T:1', record: { n: 1 } }],
        observedAt: 2000,
        maxEvents: 100,
        retainMs: 10_000,
      });
      const p2 = (next as { position: string }).position;
      expect(compareIds(p2, p1)).toBeGreaterThan(0);
      // A stale base is refused.
      expect((await store.commit(w, 'a', { base: { epoch: 'E1', position: p1 }, epoch: 'E1', entries: [], records: null, observedAt: 3000, maxEvents: 100, retainMs: 10_000 })).ok).toBe(false);
      // No change: the records stay, the poll time moves, no entry.
      expect(await store.commit(w, 'a', { base: { epoch: 'E1', position: p2 }, epoch: 'E1', entries: [], records: null, observedAt: 3000, maxEvents: 100, retainMs: 10_000 })).toEqual({ ok: true, position: p2 });
      const { snapshot, head } = await store.loadSnapshot(w);
      expect(snapshot).toEqual({ epoch: 'E1', position: p2, observedAt: 3000, records: [{ id: 'T:1', record: { n: 1 } }] });
      expect(head).toBe(p2);
    });

    it('follow delivers what comes after the given position, in order, until stopped', async () => {
      const w = watch();
      await store.acquireLease(w, 'a', 5_000);
      const r0 = await store.commit(w, 'a', { base: null, epoch: 'E', entries: [{ type: 'reset', epoch: 'E', poll: 'p0', observedAt: 1 }], records: [], observedAt: 1, maxEvents: 100, retainMs: 10_000 });
      let position = (r0 as { position: string }).position;
      const seen: StreamEntry[] = [];
      const stop = store.follow(w, position, (entries) => seen.push(...entries));
      for (let n = 1; n <= 5; n++) {
        const r = await store.commit(w, 'a', { base: { epoch: 'E', position }, epoch: 'E', entries: [change('E', n), change('E', n + 100)], records: [], observedAt: 1 + n, maxEvents: 100, retainMs: 10_000 });
        position = (r as { position: string }).position;
      }
      await until(() => seen.length === 10, 3_000, 'followed entries');
      expect(seen.map((e) => (e.type === 'change' ? e.change.id : e.type))).toEqual(['T:1', 'T:101', 'T:2', 'T:102', 'T:3', 'T:103', 'T:4', 'T:104', 'T:5', 'T:105']);
      expect(seen[0]).toMatchObject({ type: 'change', epoch: 'E', poll: 'p1', observedAt: 1001, change: { kind: 'UPDATED', id: 'T:1', record: { n: 1 }, changedFields: ['n'] } });
      for (let i = 1; i < seen.length; i++) expect(compareIds(seen[i]!.id, seen[i - 1]!.id)).toBeGreaterThan(0);
      stop();
      await store.commit(w, 'a', { base: { epoch: 'E', position }, epoch: 'E', entries: [change('E', 9)], records: [], observedAt: 99, maxEvents: 100, retainMs: 10_000 });
      await sleep(300);
      expect(seen).toHaveLength(10);
      // Following from an older position replays what is held.
      const late: StreamEntry[] = [];
      const stop2 = store.follow(w, seen[7]!.id, (entries) => late.push(...entries));
      await until(() => late.length === 3, 3_000, 'late entries');
      stop2();
    });

    it('readEvents: the range after a position, and whether it is complete', async () => {
      const w = watch();
      await store.acquireLease(w, 'a', 5_000);
      const r0 = await store.commit(w, 'a', { base: null, epoch: 'E', entries: [{ type: 'reset', epoch: 'E', poll: 'p0', observedAt: 1 }], records: [], observedAt: 1, maxEvents: 25, retainMs: 10_000 });
      let position = (r0 as { position: string }).position;
      const positions = [position];
      // Enough entries that even approximate trimming (whole stream nodes) drops the oldest.
      for (let n = 1; n <= 25; n++) {
        const entries = Array.from({ length: 10 }, (_, i) => change('E', n * 100 + i));
        const r = await store.commit(w, 'a', { base: { epoch: 'E', position }, epoch: 'E', entries, records: [], observedAt: n, maxEvents: 25, retainMs: 10_000 });
        position = (r as { position: string }).position;
        positions.push(position);
      }
      const recent = await store.readEvents(w, positions[23]!, positions[25]!);
      expect(recent.complete).toBe(true);
      expect(recent.entries.map((e) => (e.type === 'change' ? e.change.id : '?'))).toEqual(Array.from({ length: 20 }, (_, i) => `T:${2400 + Math.floor(i / 10) * 100 + (i % 10)}`));
      const upTo = await store.readEvents(w, positions[23]!, positions[24]!);
      expect(upTo.entries).toHaveLength(10);
      const old = await store.readEvents(w, positions[0]!, positions[25]!);
      expect(old.complete).toBe(false);
    });

    it('end: an `end` entry, and the snapshot is gone', async () => {
      const w = watch();
      await store.acquireLease(w, 'a', 5_000);
      await store.commit(w, 'a', { base: null, epoch: 'E', entries: [{ type: 'reset', epoch: 'E', poll: 'p0', observedAt: 1 }], records: [], observedAt: 1, maxEvents: 10, retainMs: 10_000 });
      const { head } = await store.loadSnapshot(w);
      expect(await store.end(w, 'b', 'E', { code: 'LIVE_WATCH_TOO_LARGE', message: 'x' }, 10_000)).toBe(false);
      const seen: StreamEntry[] = [];
      const stop = store.follow(w, head, (entries) => seen.push(...entries));
      expect(await store.end(w, 'a', 'E', { code: 'LIVE_UPSTREAM_FAILED', message: 'down', causeCode: 'UPSTREAM_UNAVAILABLE' }, 10_000)).toBe(true);
      await until(() => seen.length === 1, 3_000, 'the end entry');
      expect(seen[0]).toMatchObject({ type: 'end', epoch: 'E', error: { code: 'LIVE_UPSTREAM_FAILED', message: 'down', causeCode: 'UPSTREAM_UNAVAILABLE' } });
      const after = await store.loadSnapshot(w);
      expect(after.snapshot).toBeNull();
      expect(after.head).toBe(seen[0]!.id);
      stop();
    });
  });
}
