/**
 * The diff between two listings of a watch, by record key: what entered (ADDED), what left
 * (REMOVED), and what changed (UPDATED, with the names of the fields whose values differ, compared
 * shallowly with Object.is: upstream records are flat). Pure, so the poller's one decision
 * ("what do subscribers need to hear?") is tested on its own. A poll that changes nothing yields [].
 */

export type ChangeKind = 'ADDED' | 'UPDATED' | 'REMOVED';

export interface Change<T> {
  kind: ChangeKind;
  id: string;
  /** The record now (ADDED, UPDATED); null for REMOVED. */
  record: T | null;
  /** REMOVED: the record as last observed (what a client needs to name it, e.g. its created time). */
  previous?: T;
  /** UPDATED: the fields whose values changed, in the record's field order; otherwise empty. */
  changedFields: string[];
}

/** The names of the fields whose values differ (own enumerable keys of either side; missing = undefined). */
export function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const fields: string[] = [];
  for (const k of Object.keys(b)) if (!Object.is(a[k], b[k])) fields.push(k);
  for (const k of Object.keys(a)) if (!(k in b) && a[k] !== undefined) fields.push(k);
  return fields;
}

/**
 * Changes from `prev` to `next`, keyed by `keyOf`; `valueOf` picks the part compared field by field
 * (default: the item itself). Order: ADDED and UPDATED in `next`'s order, then REMOVED in `prev`'s.
 * A key listed twice (a record that moved between pages while they were read) counts once: its
 * first listing.
 */
export function diffSnapshots<E, T extends object = E & object>(
  prev: Iterable<E>,
  next: Iterable<E>,
  keyOf: (item: E) => string,
  valueOf: (item: E) => T = (item) => item as unknown as T,
): Change<T>[] {
  const before = new Map<string, T>();
  for (const item of prev) {
    const id = keyOf(item);
    if (!before.has(id)) before.set(id, valueOf(item));
  }
  const changes: Change<T>[] = [];
  const seen = new Set<string>();
  for (const item of next) {
    const id = keyOf(item);
    if (seen.has(id)) continue;
    seen.add(id);
    const record = valueOf(item);
    const old = before.get(id);
    if (old === undefined) {
      changes.push({ kind: 'ADDED', id, record, changedFields: [] });
    } else {
      const fields = changedFields(old, record);
      if (fields.length > 0) changes.push({ kind: 'UPDATED', id, record, changedFields: fields });
    }
  }
  for (const [id, previous] of before) {
    if (!seen.has(id)) changes.push({ kind: 'REMOVED', id, record: null, changedFields: [], previous });
  }
  return changes;
}
