/**
 * One subscriber's async iterator: first its head (INITIAL events, or a replay read from the
 * store), then live events from a bounded queue. The queue is what a slow consumer fills: past
 * `maxBuffered` waiting events the subscription ends with LIVE_SLOW_CONSUMER and its events are
 * dropped, so memory stays bounded whatever the client does. It ends when the watch fails (queued
 * events first, then the coded error), on `return()` (the transport closed it), or when its signal
 * aborts; its cleanup runs exactly once in every case.
 */
import { compareIds, type StreamPosition } from './cursor';
import { LiveError } from './errors';
import type { LiveEvent } from './events';

/**
 * How long the process's subscriptions may hand out events before they let the event loop turn.
 * A consumer that never has to wait (a poll's events are all queued at once, a socket's buffer has
 * room) would otherwise take every queued event in one run of microtasks: a poll of 500 changes to
 * 300 subscribers is 150,000 executions with no timer, no socket and no Redis reply getting a
 * turn, and then a lease is not renewed in time, a Redis command times out (the link falls back to
 * local state), and a replica that is merely busy looks dead to the others.
 */
export const TURN_BUDGET_MS = 20;

let turnStartedAt = 0;
let turnOpen = false;

/** True when the current turn of the event loop has spent its budget on delivery (process-wide). */
function turnSpent(): boolean {
  const now = performance.now();
  if (!turnOpen) {
    turnOpen = true;
    turnStartedAt = now;
    setImmediate(() => (turnOpen = false));
    return false;
  }
  return now - turnStartedAt > TURN_BUDGET_MS;
}

export class Subscription<T> implements AsyncIterableIterator<LiveEvent<T>> {
  private head: LiveEvent<T>[] = [];
  private headIndex = 0;
  private pendingHead: Promise<LiveEvent<T>[]> | null = null;
  private queue: LiveEvent<T>[] = [];
  private queueIndex = 0;
  private error: LiveError | null = null;
  /** No more events will come (ended, failed, closed). */
  private closed = false;
  /** The consumer has seen the end. */
  private finished = false;
  /** Pending next() calls waiting for something to happen (normally one). */
  private wakers: Array<() => void> = [];
  /** Just resumed after yielding to the event loop: hand out one event before asking again. */
  private resumed = false;
  /** Live events at or before this position were already delivered (a cursor ahead of this replica). */
  private skipUntil: StreamPosition | null = null;
  started = false;
  /** Cut off by its own queue (LIVE_SLOW_CONSUMER): the cleanup counts it in the metrics. */
  slow = false;

  constructor(
    private readonly maxBuffered: number,
    private readonly cleanup: (sub: Subscription<T>) => void,
    signal?: AbortSignal,
  ) {
    if (signal) {
      if (signal.aborted) this.close();
      else {
        const onAbort = () => this.close();
        signal.addEventListener('abort', onAbort, { once: true });
        this.detach = () => signal.removeEventListener('abort', onAbort);
      }
    }
  }

  private detach: () => void = () => {};

  /** Starts delivery: the head (possibly still being read), then live events after `skipUntil`. */
  begin(head: LiveEvent<T>[] | Promise<LiveEvent<T>[]>, skipUntil: StreamPosition | null = null): void {
    if (this.closed) return;
    this.started = true;
    this.skipUntil = skipUntil;
    if (Array.isArray(head)) this.head = head;
    else this.pendingHead = head;
    this.notify();
  }

  /** A live event; `position` is the stream position it belongs to. */
  push(event: LiveEvent<T>, position: StreamPosition): void {
    if (this.closed) return;
    const skip = this.skipUntil;
    if (skip && skip.epoch === position.epoch && compareIds(position.id, skip.id) <= 0) return;
    this.queue.push(event);
    // A poll's events are pushed together: only those of earlier polls still waiting say the
    // consumer is slow (a fast one may hold a whole poll, up to twice the watch, for a moment).
    if (event.batch !== this.lastBatch) {
      this.lastBatch = event.batch;
      this.inLastBatch = 0;
    }
    this.inLastBatch++;
    if (this.queue.length - this.queueIndex - this.inLastBatch > this.maxBuffered) {
      this.slow = true;
      this.fail(new LiveError('LIVE_SLOW_CONSUMER', `the subscriber fell more than ${this.maxBuffered} events behind`), true);
      return;
    }
    this.notify();
  }

  /** The batch of the newest pushed event, and how many of its events were pushed. */
  private lastBatch: unknown = null;
  private inLastBatch = 0;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Events waiting for the consumer (the bounded part). */
  get buffered(): number {
    return this.queue.length - this.queueIndex;
  }

  /** Ends with a coded error: after the queued events, or at once with `drop`. */
  fail(error: LiveError, drop = false): void {
    if (this.closed) return;
    this.error = error;
    if (drop) {
      this.queue = [];
      this.queueIndex = 0;
      this.head = [];
      this.headIndex = 0;
      this.pendingHead = null;
    }
    this.close();
  }

  /** Ends without error (the transport closed it, or its signal aborted). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    this.cleanup(this);
    this.notify();
  }

  private notify(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  async next(): Promise<IteratorResult<LiveEvent<T>>> {
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      if (this.pendingHead) {
        const pending = this.pendingHead;
        let head: LiveEvent<T>[];
        try {
          head = await pending;
        } catch {
          head = [];
        }
        // A drop (slow consumer) while it was read cleared it: keep it cleared.
        if (this.pendingHead === pending) {
          this.pendingHead = null;
          this.head = head;
          this.headIndex = 0;
        }
        continue;
      }
      const ready = this.headIndex < this.head.length || this.queueIndex < this.queue.length;
      if (ready && !this.resumed && turnSpent()) {
        this.resumed = true;
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      this.resumed = false;
      if (this.headIndex < this.head.length) {
        const value = this.head[this.headIndex++]!;
        if (this.headIndex === this.head.length) {
          this.head = [];
          this.headIndex = 0;
        }
        return { done: false, value };
      }
      if (this.queueIndex < this.queue.length) {
        const value = this.queue[this.queueIndex++]!;
        if (this.queueIndex === this.queue.length) {
          this.queue = [];
          this.queueIndex = 0;
        } else if (this.queueIndex >= 1024) {
          this.queue = this.queue.slice(this.queueIndex);
          this.queueIndex = 0;
        }
        return { done: false, value };
      }
      if (this.closed) {
        this.finished = true;
        const error = this.error;
        this.error = null;
        if (error) throw error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => this.wakers.push(resolve));
    }
  }

  async return(): Promise<IteratorResult<LiveEvent<T>>> {
    this.close();
    this.finished = true;
    this.queue = [];
    this.head = [];
    this.pendingHead = null;
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<LiveEvent<T>>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
