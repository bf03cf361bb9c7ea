import { describe, expect, it } from 'vitest';
import { LiveError } from '../../src/live/errors';
import { normaliseWatch, watchKey, watchedIds } from '../../src/live/watch';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as LiveError).code;
  }
  return 'no error';
};

describe('watch normalisation', () => {
  it('gives equal keys to filters that list the same records', () => {
    const a = watchKey({ entity: 'GroupCallTask', filter: { statuses: [2, 1, 2], search: '', products: ['AI_AGENT', 'GROUP_CALL'], createdFrom: 1_700_000_000_400 } });
    const b = watchKey({ entity: 'GroupCallTask', filter: { statuses: [1, 2], createdFrom: 1_700_000_001_000 } });
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({
      v: 1,
      entity: 'GroupCallTask',
      lines: ['GROUP_CALL', 'AI_AGENT'],
      filter: { statuses: [1, 2], appId: null, search: null, createdFrom: 1_700_000_001_000, createdTo: null },
    });
    // No filter, an empty one, empty lists: the same watch.
    expect(watchKey({ entity: 'GroupCallTask' })).toBe(watchKey({ entity: 'GroupCallTask', filter: { statuses: [], products: [] } }));
  });

  it('tells apart what lists differently', () => {
    const base = watchKey({ entity: 'GroupCallTask', filter: { statuses: [1] } });
    expect(watchKey({ entity: 'GroupCallTask', filter: { statuses: [1], products: ['GROUP_CALL'] } })).not.toBe(base);
    expect(watchKey({ entity: 'GroupCallTask', filter: { statuses: [1], search: 'x' } })).not.toBe(base);
    expect(watchKey({ entity: 'RecallFlow' })).not.toBe(watchKey({ entity: 'GroupCallTask' }));
    expect(watchKey({ entity: 'RecallFlow', filter: { taskName: '7' } })).not.toBe(watchKey({ entity: 'RecallFlow' }));
  });

  it('"every line" means the served lines', () => {
    const served = normaliseWatch({ entity: 'RecallFlow' }, { lines: ['AI_AGENT'] });
    expect(served.lines).toEqual(['AI_AGENT']);
    expect(served.key).toBe(normaliseWatch({ entity: 'RecallFlow', filter: { products: ['AI_AGENT'] } }, { lines: ['AI_AGENT'] }).key);
    expect(code(() => normaliseWatch({ entity: 'RecallFlow', filter: { products: ['GROUP_CALL'] } }, { lines: ['AI_AGENT'] }))).toBe('BAD_USER_INPUT');
  });

  it('has a short stable hash', () => {
    const w = normaliseWatch({ entity: 'GroupCallTask', filter: { statuses: [3] } });
    expect(w.hash).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(normaliseWatch({ entity: 'GroupCallTask', filter: { statuses: [3] } }).hash).toBe(w.hash);
  });

  it('refuses bad input with BAD_USER_INPUT', () => {
    expect(code(() => normaliseWatch({ entity: 'GroupCallTask', filter: {}, ids: [{ line: 'GROUP_CALL', id: 'a', createdAt: 0 }] }))).toBe('BAD_USER_INPUT');
    expect(code(() => normaliseWatch({ entity: 'GroupCallTask', ids: [] }))).toBe('BAD_USER_INPUT');
    expect(code(() => normaliseWatch({ entity: 'GroupCallTask', filter: { search: 'x'.repeat(201) } }))).toBe('BAD_USER_INPUT');
    expect(code(() => normaliseWatch({ entity: 'GroupCallTask', filter: { createdFrom: 2_000_000, createdTo: 1_000_000 } }))).toBe('BAD_USER_INPUT');
    expect(code(() => normaliseWatch({ entity: 'GroupCallTask', filter: { statuses: [1.5] } }))).toBe('BAD_USER_INPUT');
    expect(code(() => normaliseWatch({ entity: 'GroupCallTask', filter: { createdFrom: NaN } }))).toBe('BAD_USER_INPUT');
  });

  it('ids: sorted, deduplicated, narrow windows merged per line as the join planner merges', () => {
    const t0 = 1_700_000_000_000;
    const w = normaliseWatch(
      {
        entity: 'RecallFlow',
        ids: [
          { line: 'GROUP_CALL', id: 'F:3', createdAt: t0 + 60_000, search: '9' },
          { line: 'GROUP_CALL', id: 'F:1', createdAt: t0 + 500 },
          { line: 'AI_AGENT', id: 'F:7', createdAt: t0 },
          { line: 'GROUP_CALL', id: 'F:2', createdAt: t0 + 3_000 },
          { line: 'GROUP_CALL', id: 'F:1', createdAt: t0 + 500 },
        ],
      },
      { idSlackMs: 2_000 },
    );
    expect(w.mode).toBe('ids');
    if (w.mode !== 'ids') return;
    expect(w.ids.map((k) => k.id)).toEqual(['F:1', 'F:2', 'F:3', 'F:7']);
    expect(w.lines).toEqual(['GROUP_CALL', 'AI_AGENT']);
    expect(w.windows.map((x) => [x.line, x.from - t0, x.to - t0, x.keys.map((k) => k.id)])).toEqual([
      ['GROUP_CALL', -2_000, 5_000, ['F:1', 'F:2']],
      ['GROUP_CALL', 58_000, 62_000, ['F:3']],
      ['AI_AGENT', -2_000, 2_000, ['F:7']],
    ]);
    expect([...watchedIds(w)!]).toEqual(['F:1', 'F:2', 'F:3', 'F:7']);
    // Order of ids does not matter.
    const again = normaliseWatch({ entity: 'RecallFlow', ids: [...w.ids].reverse() }, { idSlackMs: 2_000 });
    expect(again.key).toBe(w.key);
  });

  it('too many ids is LIVE_WATCH_TOO_LARGE', () => {
    const ids = Array.from({ length: 11 }, (_, i) => ({ line: 'GROUP_CALL' as const, id: `T:${i}`, createdAt: 1_700_000_000_000 }));
    expect(code(() => normaliseWatch({ entity: 'GroupCallTask', ids }, { maxIds: 10 }))).toBe('LIVE_WATCH_TOO_LARGE');
  });
});
