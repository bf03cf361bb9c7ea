/**
 * The join planner's pure half: which time windows to read for a batch of parent task keys, and
 * whether the rest of a window is cheaper to scan page by page or to search parent by parent.
 */

export interface ParentKey {
  taskId: number;
  /** The child's created time (epoch ms): the parent was created before it. */
  hint: number;
  /** The parent's name as the child reports it (used for a name search); '' = unknown (scan only). */
  name: string;
  /**
   * Where the task can be, epoch ms, inclusive, when the key knows better than the default
   * `[hint - lookback, hint + skew]`: a recall attempt's child task runs after its flow.
   */
  window?: { from: number; to: number };
}

export interface JoinWindow {
  /** Epoch ms, inclusive. */
  from: number;
  to: number;
  keys: ParentKey[];
}

/**
 * Windows `[hint - lookback, hint + skew]` (or the key's own) per key, merged where they overlap or
 * touch, none longer than `maxSpanMs` (the longest window the upstream serves): a key's own window
 * is cut to it, and merging stops where it would pass it.
 */
export function mergeWindows(keys: readonly ParentKey[], lookbackMs: number, skewMs: number, maxSpanMs = Infinity): JoinWindow[] {
  const spans = keys.map((key) => {
    const from = key.window?.from ?? key.hint - lookbackMs;
    return { key, from, to: Math.min(key.window?.to ?? key.hint + skewMs, from + maxSpanMs) };
  });
  spans.sort((a, b) => a.from - b.from);
  const windows: JoinWindow[] = [];
  for (const { key, from, to } of spans) {
    const current = windows[windows.length - 1];
    if (current && from <= current.to + 1000 && Math.max(current.to, to) - current.from <= maxSpanMs) {
      current.to = Math.max(current.to, to);
      current.keys.push(key);
    } else {
      windows.push({ from, to, keys: [key] });
    }
  }
  return windows;
}

export type Strategy = 'scan' | 'search';

/**
 * After the first size-`pageSize` scan page told the window's total, compares the calls still
 * needed: the remaining scan pages against one search per distinct parent name still missing.
 * Ties go to the scan, which also primes every other task it reads.
 */
export function chooseStrategy(total: number, pagesRead: number, missing: readonly ParentKey[], pageSize = 100): Strategy {
  const remainingScan = Math.max(0, Math.ceil(total / pageSize) - pagesRead);
  const names = new Set(missing.map((k) => k.name));
  if (names.has('')) return 'scan';
  return names.size < remainingScan ? 'search' : 'scan';
}
