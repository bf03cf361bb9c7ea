/**
 * Test doubles for the live engine: an in-memory ListSource whose data the test mutates (the one
 * fake allowed here: the lead's end-to-end tests use the simulator), and a collector that drains a
 * subscription in the background so tests can wait for events.
 */
import type { ListSource, LiveEvent, NormalisedWatch } from '../../src/live';
import { LiveError } from '../../src/live';

export interface Rec {
  taskId: number;
  name: string;
  status: number;
}

export interface FakeSource {
  source: ListSource<Rec>;
  /** Polls so far (all watches). */
  readonly calls: number;
  /** Polls so far of one watch hash. */
  callsOf(hash: string): number;
  set(id: string, record: Rec): void;
  update(id: string, patch: Partial<Rec>): void;
  remove(id: string): void;
  /** The next `n` polls fail with `error` (Infinity: until `heal`). */
  fail(n: number, error?: Error): void;
  heal(): void;
}

export class FakeUpstreamError extends Error {
  readonly code = 'UPSTREAM_UNAVAILABLE';
}

export function fakeSource(count = 3, options: { delayMs?: number } = {}): FakeSource {
  const data = new Map<string, Rec>();
  for (let i = 1; i <= count; i++) data.set(`T:${i}`, { taskId: i, name: `task ${i}`, status: 1 });
  let calls = 0;
  const perWatch = new Map<string, number>();
  let failures = 0;
  let failure: Error = new FakeUpstreamError('upstream down');
  const source: ListSource<Rec> = async (watch: NormalisedWatch, { limit }) => {
    calls++;
    perWatch.set(watch.hash, (perWatch.get(watch.hash) ?? 0) + 1);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (failures > 0) {
      failures--;
      throw failure;
    }
    // Fresh objects every time, as parsed JSON would be.
    const records = [...data].slice(0, limit).map(([id, r]) => ({ id, record: { ...r } }));
    return { records, upstreamCalls: 1 };
  };
  return {
    source,
    get calls() {
      return calls;
    },
    callsOf: (hash) => perWatch.get(hash) ?? 0,
    set: (id, record) => void data.set(id, record),
    update: (id, patch) => void data.set(id, { ...data.get(id)!, ...patch }),
    remove: (id) => void data.delete(id),
    fail: (n, error) => {
      failures = n;
      if (error) failure = error;
    },
    heal: () => {
      failures = 0;
    },
  };
}

export interface Collector<T> {
  events: LiveEvent<T>[];
  /** The error the iterator ended with, if any. */
  error: unknown;
  done: boolean;
  waitFor(predicate: (events: LiveEvent<T>[]) => boolean, timeoutMs?: number): Promise<void>;
  waitForEnd(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it holds (or fails the test after `timeoutMs`). */
export async function until(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function collect<T>(iterator: AsyncIterableIterator<LiveEvent<T>>): Collector<T> {
  const c: Collector<T> = {
    events: [],
    error: undefined,
    done: false,
    waitFor: (predicate, timeoutMs = 5_000) => until(() => predicate(c.events) || c.done, timeoutMs, 'events').then(() => {
      if (!predicate(c.events)) throw new Error(`subscription ended first: ${String((c.error as Error | undefined)?.message ?? 'done')}`);
    }),
    waitForEnd: (timeoutMs = 5_000) => until(() => c.done, timeoutMs, 'the end of the subscription'),
    stop: async () => {
      await iterator.return?.();
    },
  };
  void (async () => {
    try {
      for await (const e of iterator) c.events.push(e);
    } catch (err) {
      c.error = err;
    } finally {
      c.done = true;
    }
  })();
  return c;
}

export const codeOf = (err: unknown) => (err instanceof LiveError ? err.code : (err as { code?: string } | undefined)?.code);
export const kinds = <T>(events: LiveEvent<T>[]) => events.map((e) => `${e.kind}:${e.id}`);
