import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedFields, diffSnapshots } from '../../src/live/diff';

type R = { id: string; status: number; name: string; rate?: string | null };
const key = (r: R) => r.id;

describe('diffSnapshots', () => {
  it('says nothing when nothing changed', () => {
    const a: R[] = [{ id: '1', status: 1, name: 'a' }];
    expect(diffSnapshots(a, a.map((r) => ({ ...r })), key)).toEqual([]);
  });

  it('ADDED, UPDATED (with the changed fields) and REMOVED', () => {
    const prev: R[] = [
      { id: '1', status: 1, name: 'a' },
      { id: '2', status: 1, name: 'b' },
    ];
    const next: R[] = [
      { id: '3', status: 0, name: 'c' },
      { id: '1', status: 2, name: 'a2' },
    ];
    expect(diffSnapshots(prev, next, key)).toEqual([
      { kind: 'ADDED', id: '3', record: next[0], changedFields: [] },
      { kind: 'UPDATED', id: '1', record: next[1], changedFields: ['status', 'name'] },
      { kind: 'REMOVED', id: '2', record: null, changedFields: [], previous: prev[1] },
    ]);
  });

  it('compares a picked value, keyed by an outer id, and counts a repeated key once', () => {
    const prev = [{ id: 'x', record: { n: 1 } }];
    const next = [
      { id: 'x', record: { n: 2 } },
      { id: 'x', record: { n: 3 } },
    ];
    expect(diffSnapshots(prev, next, (e) => e.id, (e) => e.record)).toEqual([{ kind: 'UPDATED', id: 'x', record: { n: 2 }, changedFields: ['n'] }]);
  });

  it('treats a missing field as undefined, and null as a value', () => {
    expect(changedFields({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
    expect(changedFields({ a: 1, rate: null }, { a: 1 })).toEqual(['rate']);
    expect(changedFields({ a: 1 }, { a: 1, rate: null })).toEqual(['rate']);
    expect(changedFields({ a: NaN }, { a: NaN })).toEqual([]);
  });

  it('applying the changes to the old listing gives the new one (property)', () => {
    const rec = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e'), status: fc.integer({ min: 0, max: 3 }), name: fc.constantFrom('x', 'y') });
    fc.assert(
      fc.property(fc.uniqueArray(rec, { selector: (r) => r.id }), fc.uniqueArray(rec, { selector: (r) => r.id }), (prev, next) => {
        const state = new Map<string, R>(prev.map((r) => [r.id, r]));
        const changes = diffSnapshots(prev, next, key);
        for (const c of changes) {
          if (c.kind === 'REMOVED') state.delete(c.id);
          else state.set(c.id, c.record!);
        }
        const byId = (a: [string, R], b: [string, R]) => (a[0] < b[0] ? -1 : 1);
        expect([...state].sort(byId)).toEqual(next.map((r) => [r.id, r] as [string, R]).sort(byId));
        // Exactly one change per record that differs, none for the others.
        const differs = new Set([...prev, ...next].map((r) => r.id).filter((id) => JSON.stringify(prev.find((r) => r.id === id)) !== JSON.stringify(next.find((r) => r.id === id))));
        expect(changes.map((c) => c.id).sort()).toEqual([...differs].sort());
      }),
    );
  });
});
