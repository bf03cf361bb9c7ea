/**
 * The live hub: subscriptions in, events out. Per distinct watch this process holds a WatchState:
 * - its *view*: the records as its subscribers know them, at a stream position. It follows the
 *   watch's stream in the store (its own commits included: one path for every replica), applies
 *   each entry and hands the same event object to every local subscriber. New subscribers get
 *   their INITIAL events from the view (no upstream call, no store call when the view is live).
 *   When the stream changes under it (a new epoch: the watch restarted, Redis lost its data, a
 *   failover between Redis and local state) it loads the store's snapshot and sends its
 *   subscribers the difference, so they never miss a change and never hear a false one (a
 *   snapshot older than the view is not adopted: it waits for a fresher poll).
 * - its *poller*: while this process has subscribers it tries to take the watch's lease; the
 *   holder polls once per interval (cadence kept across take-overs by the snapshot's poll time),
 *   diffs against the stored snapshot and commits the changes. Its lease lasts 1.5 intervals and
 *   is renewed every half interval, so another replica takes over within 2 intervals of its death. Upstream failures keep the
 *   snapshot; after `maxFailedPolls` in a row, or a watch past `maxRecords`, it appends an `end`
 *   entry that ends every subscriber in the cluster with a coded error. The holder keeps polling
 *   while any replica still has subscribers, and lets go within one interval after the last left.
 * Lease work and polls run from one timer per hub, every half interval.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ProductLineId } from '../upstream/lines';
import { compareIds, decodeLiveCursor, encodeLiveCursor, type LiveCursor, type StreamPosition } from './cursor';
import { diffSnapshots, type Change } from './diff';
import { LiveError, errorCode } from './errors';
import { LiveBatch, type LiveEvent } from './events';
import { noLiveMetrics, type LiveMetrics } from './metrics';
import type { NewEntry, SnapshotEntry, StoredSnapshot, StreamEntry, WatchStore } from './store';
import { Subscription } from './subscription';
import { normaliseWatch, watchedIds, type NormalisedWatch, type WatchEntity, type WatchSpec } from './watch';

export interface ListOptions {
  signal: AbortSignal;
  /**
   * Records worth reading at most (`maxRecords + 1`): a filter watch may stop there, the hub
   * refuses a watch with more than `maxRecords`. An ids watch is bounded by its ids; read its
   * windows whole (the hub keeps the watched ids only).
   */
  limit: number;
}

export interface ListResult<T> {
  /** The watched window's records, each with its id (unique across lines, e.g. `GROUP_CALL:123`). */
  records: Array<SnapshotEntry<T>>;
  /** Upstream calls the listing cost (metrics). */
  upstreamCalls?: number;
  /**
   * The window's size when known (the upstream's totals): above `maxRecords` the hub refuses the
   * watch, so a source may stop reading as soon as the totals say so.
   */
  total?: number;
}

/** Lists the whole watched window. Records are treated as immutable values (JSON-serialisable). */
export type ListSource<T> = (watch: NormalisedWatch, options: ListOptions) => Promise<ListResult<T>>;

/** The subset of a pino logger the engine uses. */
export interface LiveLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silentLog: LiveLog = { debug() {}, info() {}, warn() {}, error() {} };

export interface LiveHubOptions<T> {
  store: WatchStore;
  source: ListSource<T>;
  /** LIVE_POLL_INTERVAL_MS (default 5000). */
  pollIntervalMs?: number;
  /** LIVE_MAX_RECORDS (default 1000). */
  maxRecords?: number;
  /** LIVE_MAX_FAILED_POLLS (default 3). */
  maxFailedPolls?: number;
  /** LIVE_REPLAY_EVENTS: events each watch's stream keeps for `after` (default 1000). */
  replayEvents?: number;
  /** LIVE_MAX_BUFFERED_EVENTS per subscriber (default 1000). */
  maxBuffered?: number;
  /** LIVE_MAX_SUBSCRIPTIONS in this process (default 10000). */
  maxSubscriptions?: number;
  /** LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION (default 100). */
  maxSubscriptionsPerConnection?: number;
  /** The product lines served (normalisation of "every line"); default every line. */
  lines?: readonly ProductLineId[];
  /** Window slack around a watched record's created time (default 2000 ms). */
  idSlackMs?: number;
  /** How long a watch's snapshot and stream outlive its last poll (default max(60 s, 12 intervals)). */
  retainMs?: number;
  /** A poll taking longer is abandoned (its signal aborts) and counts as failed (default max(30 s, 3 intervals)). */
  pollTimeoutMs?: number;
  /** Maps upstream field names to the names events carry (default: unchanged). */
  mapChangedFields?: (entity: WatchEntity, fields: readonly string[]) => string[];
  log?: LiveLog;
  metrics?: LiveMetrics;
  now?: () => number;
}

export interface SubscribeOptions {
  /** Send one INITIAL event per record first (default true; ignored when `after` resumes). */
  initial?: boolean;
  /** A cursor of an earlier event of the same watch: replay what followed it, then go live. */
  after?: string | null;
  /** The transport's connection (per-connection limit). */
  connectionId?: string;
  /** Ends the subscription (done) when aborted. */
  signal?: AbortSignal;
}

export interface LiveHubStats {
  subscriptions: number;
  watches: number;
  /** Watches whose lease this process holds (it polls them). */
  polling: number;
}

export interface LiveHub<T> {
  /**
   * Subscribes to a watch. Throws at once (synchronously) for a bad watch or cursor
   * (BAD_USER_INPUT), too many ids (LIVE_WATCH_TOO_LARGE) or a limit (LIVE_TOO_MANY_SUBSCRIPTIONS);
   * later failures end the iterator with a thrown LiveError.
   */
  subscribe(spec: WatchSpec, options?: SubscribeOptions): AsyncIterableIterator<LiveEvent<T>>;
  /** The normal form the hub gives a watch (what subscribe uses). */
  normalise(spec: WatchSpec): NormalisedWatch;
  stats(): LiveHubStats;
  /**
   * Ends every subscription (LIVE_SHUTTING_DOWN) and stops polling. `abrupt`: touch nothing in the
   * store (leases are left to expire), as a crashed process would.
   */
  close(options?: { abrupt?: boolean }): Promise<void>;
}

interface Tracked<T> {
  epoch: string;
  position: string;
  observedAt: number;
  records: Map<string, T>;
}

interface Base<T> {
  epoch: string;
  position: string;
  records: SnapshotEntry<T>[];
}

const newEpoch = () => randomBytes(6).toString('base64url');

function tracked<T>(snapshot: StoredSnapshot): Tracked<T> {
  return {
    epoch: snapshot.epoch,
    position: snapshot.position,
    observedAt: snapshot.observedAt,
    records: new Map(snapshot.records.map((e) => [e.id, e.record as T])),
  };
}

class Hub<T> implements LiveHub<T> {
  readonly store: WatchStore;
  readonly source: ListSource<T>;
  readonly interval: number;
  readonly tickMs: number;
  readonly maxRecords: number;
  readonly maxFailedPolls: number;
  readonly replayEvents: number;
  readonly maxBuffered: number;
  readonly maxSubscriptions: number;
  readonly maxPerConnection: number;
  readonly retainMs: number;
  readonly pollTimeoutMs: number;
  readonly leaseTtl: number;
  readonly log: LiveLog;
  readonly metrics: LiveMetrics;
  readonly now: () => number;
  readonly replicaId = randomBytes(4).toString('hex');
  private readonly lines: readonly ProductLineId[] | undefined;
  private readonly idSlackMs: number | undefined;
  private readonly mapFields: LiveHubOptions<T>['mapChangedFields'];
  readonly states = new Map<string, WatchState<T>>();
  private readonly perConnection = new Map<string, number>();
  /** Watches whose count went to 0 since the last heartbeat (published once as 0). */
  private readonly left = new Set<string>();
  private subscriptionCount = 0;
  private seq = 0;
  private ticks = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly offReset: (() => void) | undefined;

  constructor(o: LiveHubOptions<T>) {
    this.store = o.store;
    this.source = o.source;
    this.interval = o.pollIntervalMs ?? 5_000;
    this.tickMs = Math.max(5, Math.floor(this.interval / 2));
    this.maxRecords = o.maxRecords ?? 1_000;
    this.maxFailedPolls = o.maxFailedPolls ?? 3;
    this.replayEvents = o.replayEvents ?? 1_000;
    this.maxBuffered = o.maxBuffered ?? 1_000;
    this.maxSubscriptions = o.maxSubscriptions ?? 10_000;
    this.maxPerConnection = o.maxSubscriptionsPerConnection ?? 100;
    this.retainMs = o.retainMs ?? Math.max(60_000, 12 * this.interval);
    this.pollTimeoutMs = o.pollTimeoutMs ?? Math.max(30_000, 3 * this.interval);
    // Renewed every half interval (so two renewals in a row must fail before it lapses): a dead
    // holder's lease is gone within 1.5 intervals, and the others, trying every half interval,
    // take over within 2.
    this.leaseTtl = Math.ceil(1.5 * this.interval);
    this.log = o.log ?? silentLog;
    this.metrics = o.metrics ?? noLiveMetrics;
    this.now = o.now ?? Date.now;
    this.lines = o.lines;
    this.idSlackMs = o.idSlackMs;
    this.mapFields = o.mapChangedFields;
    this.timer = setInterval(() => this.tickAll(), this.tickMs);
    this.timer.unref();
    this.offReset = this.store.onReset?.(() => this.onStoreReset());
  }

  nextId(prefix: string): string {
    return `${prefix}${this.replicaId}.${++this.seq}`;
  }

  normalise(spec: WatchSpec): NormalisedWatch {
    return normaliseWatch(spec, { lines: this.lines, idSlackMs: this.idSlackMs, maxIds: this.maxRecords });
  }

  mapChangedFields(entity: WatchEntity, fields: readonly string[]): readonly string[] {
    return this.mapFields && fields.length > 0 ? this.mapFields(entity, fields) : fields;
  }

  subscribe(spec: WatchSpec, options: SubscribeOptions = {}): AsyncIterableIterator<LiveEvent<T>> {
    if (this.closed) throw new LiveError('LIVE_SHUTTING_DOWN', 'the gateway is shutting down');
    const watch = this.normalise(spec);
    const after = options.after != null ? decodeLiveCursor(options.after, watch.hash) : null;
    if (this.subscriptionCount >= this.maxSubscriptions) {
      this.metrics.ended('LIVE_TOO_MANY_SUBSCRIPTIONS');
      throw new LiveError('LIVE_TOO_MANY_SUBSCRIPTIONS', `this gateway serves at most ${this.maxSubscriptions} subscriptions`);
    }
    const connection = options.connectionId;
    if (connection !== undefined && (this.perConnection.get(connection) ?? 0) >= this.maxPerConnection) {
      this.metrics.ended('LIVE_TOO_MANY_SUBSCRIPTIONS');
      throw new LiveError('LIVE_TOO_MANY_SUBSCRIPTIONS', `a connection may hold at most ${this.maxPerConnection} subscriptions`);
    }

    let state = this.states.get(watch.hash);
    if (!state) {
      state = new WatchState(this, watch);
      this.states.set(watch.hash, state);
      this.metrics.watches(this.states.size);
    }
    const owner = state;
    this.subscriptionCount++;
    if (connection !== undefined) this.perConnection.set(connection, (this.perConnection.get(connection) ?? 0) + 1);
    this.metrics.subscriptions(this.subscriptionCount);
    const sub = new Subscription<T>(
      this.maxBuffered,
      (s) => {
        // Watch-wide errors are counted where they end the watch; this one is the subscriber's own.
        if (s.slow) this.metrics.ended('LIVE_SLOW_CONSUMER');
        this.subscriptionCount--;
        if (connection !== undefined) {
          const n = (this.perConnection.get(connection) ?? 1) - 1;
          if (n <= 0) this.perConnection.delete(connection);
          else this.perConnection.set(connection, n);
        }
        this.metrics.subscriptions(this.subscriptionCount);
        owner.remove(s);
      },
      options.signal,
    );
    owner.add(sub, { initial: options.initial ?? true, after });
    return sub;
  }

  stats(): LiveHubStats {
    let polling = 0;
    for (const s of this.states.values()) if (s.holding) polling++;
    return { subscriptions: this.subscriptionCount, watches: this.states.size, polling };
  }

  dispose(state: WatchState<T>): void {
    if (this.states.get(state.watch.hash) === state) {
      this.states.delete(state.watch.hash);
      this.left.add(state.watch.hash);
      this.metrics.watches(this.states.size);
    }
  }

  private tickAll(): void {
    if (this.closed) return;
    this.ticks++;
    for (const state of this.states.values()) void state.tick();
    if (this.ticks % 2 === 0) void this.heartbeat();
  }

  private async heartbeat(): Promise<void> {
    const counts = new Map<string, number>();
    for (const hash of this.left) counts.set(hash, 0);
    this.left.clear();
    for (const [hash, state] of this.states) counts.set(hash, state.localCount);
    if (counts.size === 0) return;
    try {
      await this.store.heartbeat(counts, 3 * this.interval);
    } catch (err) {
      this.log.debug({ err }, 'live: heartbeat failed (retried next interval)');
    }
  }

  private onStoreReset(): void {
    this.log.info({ watches: this.states.size }, 'live: shared state replaced (failover); re-syncing every watch');
    for (const state of this.states.values()) state.reset();
  }

  async close(options: { abrupt?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.offReset?.();
    const states = [...this.states.values()];
    this.states.clear();
    const releases: Promise<unknown>[] = [];
    for (const state of states) releases.push(state.shutdown(options.abrupt ?? false));
    if (!options.abrupt) {
      await Promise.allSettled(releases);
      const zeros = new Map(states.map((s) => [s.watch.hash, 0] as const));
      if (zeros.size > 0) await this.store.heartbeat(zeros, 3 * this.interval).catch(() => {});
    }
    this.metrics.watches(0);
  }
}

class WatchState<T> {
  private readonly subscribers = new Set<Subscription<T>>();
  private readonly pending = new Map<Subscription<T>, { initial: boolean; after: LiveCursor | null }>();
  private view: Tracked<T> | null = null;
  private tracked: Tracked<T> | null = null;
  private unfollow: (() => void) | null = null;
  private syncing = false;
  private resync = false;
  private needsSync = true;
  private initialCache: { view: Tracked<T>; position: string; events: LiveEvent<T>[] } | null = null;
  holding = false;
  private token = randomUUID();
  /** The snapshot the next poll diffs against; undefined = load it first; null = none (fresh start). */
  private base: Base<T> | null | undefined = undefined;
  private polling = false;
  private pollAbort: AbortController | null = null;
  private nextPollAt = 0;
  private failures = 0;
  private ticking = false;
  private ended = false;
  private readonly ids: ReadonlySet<string> | null;

  constructor(
    private readonly hub: Hub<T>,
    readonly watch: NormalisedWatch,
  ) {
    this.ids = watchedIds(watch);
    void this.sync();
    // The first subscriber should not wait half an interval for the first poll.
    queueMicrotask(() => void this.tick());
  }

  get localCount(): number {
    return this.subscribers.size + this.pending.size;
  }

  add(sub: Subscription<T>, start: { initial: boolean; after: LiveCursor | null }): void {
    if (sub.isClosed) return;
    if (this.view) this.start(sub, start);
    else this.pending.set(sub, start);
  }

  remove(sub: Subscription<T>): void {
    this.subscribers.delete(sub);
    this.pending.delete(sub);
  }

  // ---- the view: following the stream ----

  private stopFollowing(): void {
    this.unfollow?.();
    this.unfollow = null;
  }

  private requestSync(): void {
    if (this.syncing) this.resync = true;
    else void this.sync();
  }

  /** (Re)loads the store's snapshot and follows the stream after it. */
  private async sync(): Promise<void> {
    if (this.syncing || this.ended) {
      this.resync = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.resync = false;
        this.stopFollowing();
        const { snapshot, head } = await this.hub.store.loadSnapshot(this.watch.hash);
        if (this.ended) return;
        let after = head;
        const view = this.view;
        if (snapshot && view && snapshot.epoch === view.epoch && compareIds(view.position, snapshot.position) <= 0) {
          // Same stream as the view (a spurious re-sync, a blip): carry on after the view.
          this.tracked = view;
          after = view.position;
        } else if (snapshot) {
          this.tracked = tracked<T>(snapshot);
          after = snapshot.position;
        } else {
          this.tracked = null;
        }
        this.unfollow = this.hub.store.follow(this.watch.hash, after, (entries) => this.onEntries(entries as StreamEntry<T>[]));
        this.needsSync = false;
        this.maybeAdopt();
      } while (this.resync && !this.ended);
    } catch (err) {
      this.needsSync = true;
      this.hub.log.debug({ err, watch: this.watch.hash }, 'live: loading the snapshot failed (retried next tick)');
    } finally {
      this.syncing = false;
    }
  }

  private onEntries(entries: StreamEntry<T>[]): void {
    for (const entry of entries) {
      if (this.ended) return;
      if (entry.type === 'end') {
        this.end(new LiveError(entry.error.code, entry.error.message, entry.error.causeCode));
        return;
      }
      const t = this.tracked;
      if (!t || entry.epoch !== t.epoch) {
        // A new epoch (the watch started afresh): its records are in the snapshot.
        this.requestSync();
        return;
      }
      if (compareIds(entry.id, t.position) <= 0) continue;
      t.position = entry.id;
      t.observedAt = Math.max(t.observedAt, entry.observedAt);
      if (entry.type !== 'change') continue;
      const change = entry.change;
      if (change.kind === 'REMOVED') t.records.delete(change.id);
      else t.records.set(change.id, change.record as T);
      if (t === this.view) this.emitChange(entry, change);
    }
    this.maybeAdopt();
  }

  private batches = new Map<string, LiveBatch>();

  private emitChange(entry: { epoch: string; id: string; poll: string; observedAt: number }, change: Change<T>): void {
    if (this.subscribers.size === 0) return;
    let batch = this.batches.get(entry.poll);
    if (!batch) {
      // Only the current poll's batch is kept: a poll's entries arrive together.
      this.batches.clear();
      batch = new LiveBatch(entry.poll, entry.observedAt);
      this.batches.set(entry.poll, batch);
    }
    const position = { epoch: entry.epoch, id: entry.id };
    const event: LiveEvent<T> = {
      kind: change.kind,
      id: change.id,
      record: change.record,
      previous: change.previous ?? null,
      changedFields: this.hub.mapChangedFields(this.watch.entity, change.changedFields),
      observedAt: entry.observedAt,
      cursor: encodeLiveCursor({ watch: this.watch.hash, ...position }),
      batch,
    };
    batch.add(event.record);
    for (const sub of this.subscribers) sub.push(event, position);
  }

  /** Makes the tracked stream the view when it is at least as recent, telling subscribers the difference. */
  private maybeAdopt(): void {
    const t = this.tracked;
    if (!t || t === this.view || this.ended) return;
    const view = this.view;
    if (view && t.observedAt < view.observedAt) return; // older than what subscribers know: wait for a fresher poll
    if (view && this.subscribers.size > 0) {
      const changes = diffSnapshots(view.records, t.records, ([id]) => id, ([, record]) => record as T & object);
      const batch = new LiveBatch(this.hub.nextId('sync:'), t.observedAt);
      const position = { epoch: t.epoch, id: t.position };
      const cursor = encodeLiveCursor({ watch: this.watch.hash, ...position });
      for (const change of changes) {
        const event: LiveEvent<T> = {
          kind: change.kind,
          id: change.id,
          record: change.record,
          previous: change.previous ?? null,
          changedFields: this.hub.mapChangedFields(this.watch.entity, change.changedFields),
          observedAt: t.observedAt,
          cursor,
          batch,
        };
        batch.add(event.record);
        for (const sub of this.subscribers) sub.push(event, position);
      }
      if (changes.length > 0) this.hub.log.info({ watch: this.watch.hash, changes: changes.length }, 'live: re-synced subscribers to a new stream');
    }
    this.view = t;
    for (const [sub, start] of this.pending) {
      this.pending.delete(sub);
      this.start(sub, start);
    }
  }

  private initialEvents(view: Tracked<T>): LiveEvent<T>[] {
    const cached = this.initialCache;
    if (cached && cached.view === view && cached.position === view.position) return cached.events;
    const batch = new LiveBatch(this.hub.nextId('initial:'), view.observedAt);
    const cursor = encodeLiveCursor({ watch: this.watch.hash, epoch: view.epoch, id: view.position });
    const events = [...view.records].map(
      ([id, record]): LiveEvent<T> => ({ kind: 'INITIAL', id, record, previous: null, changedFields: [], observedAt: view.observedAt, cursor, batch }),
    );
    for (const e of events) batch.add(e.record);
    this.initialCache = { view, position: view.position, events };
    return events;
  }

  private start(sub: Subscription<T>, start: { initial: boolean; after: LiveCursor | null }): void {
    const view = this.view!;
    this.subscribers.add(sub);
    const here: StreamPosition = { epoch: view.epoch, id: view.position };
    const after = start.after;
    if (!after) {
      sub.begin(start.initial ? this.initialEvents(view) : [], here);
      return;
    }
    if (after.epoch !== view.epoch) {
      // A stream that has since been replaced: start over.
      sub.begin(this.initialEvents(view), here);
      return;
    }
    if (compareIds(after.id, view.position) >= 0) {
      // The client is at (or, from a replica ahead of this one, past) the view: live from there.
      sub.begin([], { epoch: after.epoch, id: after.id });
      return;
    }
    const restart = this.initialEvents(view);
    const replay = this.hub.store.readEvents(this.watch.hash, after.id, view.position).then(
      (read) => (read.complete ? this.replayEvents(read.entries as StreamEntry<T>[], view.epoch) : restart),
      (err: unknown) => {
        this.hub.log.debug({ err, watch: this.watch.hash }, 'live: replay read failed; restarting with INITIAL events');
        return restart;
      },
    );
    sub.begin(replay, here);
  }

  private replayEvents(entries: StreamEntry<T>[], epoch: string): LiveEvent<T>[] {
    const events: LiveEvent<T>[] = [];
    let batch: LiveBatch | null = null;
    for (const entry of entries) {
      if (entry.type !== 'change' || entry.epoch !== epoch) continue;
      if (!batch || batch.id !== entry.poll) batch = new LiveBatch(entry.poll, entry.observedAt);
      const c = entry.change;
      events.push({
        kind: c.kind,
        id: c.id,
        record: c.record,
        previous: c.previous ?? null,
        changedFields: this.hub.mapChangedFields(this.watch.entity, c.changedFields),
        observedAt: entry.observedAt,
        cursor: encodeLiveCursor({ watch: this.watch.hash, epoch: entry.epoch, id: entry.id }),
        batch,
      });
      batch.add(c.record);
    }
    return events;
  }

  /** The watch failed (an `end` entry): every subscriber here ends with its error. */
  private end(error: LiveError): void {
    if (this.ended) return;
    this.ended = true;
    this.hub.dispose(this);
    this.stopFollowing();
    this.pollAbort?.abort();
    const subs = [...this.subscribers, ...this.pending.keys()];
    this.subscribers.clear();
    this.pending.clear();
    for (const sub of subs) {
      this.hub.metrics.ended(error.code);
      sub.fail(error);
    }
    if (this.holding) {
      this.holding = false;
      void this.hub.store.releaseLease(this.watch.hash, this.token).catch(() => {});
    }
  }

  /** The store's contents were replaced (failover): forget leases and bases, follow the new stream. */
  reset(): void {
    if (this.ended) return;
    this.holding = false;
    this.base = undefined;
    this.failures = 0;
    this.token = randomUUID();
    this.pollAbort?.abort();
    this.stopFollowing();
    this.needsSync = true;
    this.requestSync();
  }

  async shutdown(abrupt: boolean): Promise<void> {
    this.ended = true;
    this.stopFollowing();
    this.pollAbort?.abort();
    const subs = [...this.subscribers, ...this.pending.keys()];
    this.subscribers.clear();
    this.pending.clear();
    const error = new LiveError('LIVE_SHUTTING_DOWN', 'the gateway is shutting down: resume with the last cursor');
    for (const sub of subs) sub.fail(error);
    if (this.holding && !abrupt) await this.hub.store.releaseLease(this.watch.hash, this.token).catch(() => {});
    this.holding = false;
  }

  // ---- the poller ----

  async tick(): Promise<void> {
    if (this.ticking || this.ended) return;
    this.ticking = true;
    const store = this.hub.store;
    const hash = this.watch.hash;
    try {
      // Waiting for a first snapshot, or holding a stale one: look again.
      if (this.needsSync || (!this.syncing && (this.view === null || this.tracked !== this.view))) this.requestSync();
      if (this.holding) {
        if (this.localCount === 0) {
          const remote = await store.remoteSubscribers(hash);
          if (remote === 0 && this.localCount === 0 && !this.ended) {
            this.holding = false;
            this.pollAbort?.abort();
            await store.releaseLease(hash, this.token);
            this.retire();
            return;
          }
        }
        if (!(await store.renewLease(hash, this.token, this.hub.leaseTtl, this.hub.retainMs))) {
          this.hub.log.info({ watch: hash }, 'live: lease lost; another replica polls this watch');
          this.holding = false;
          this.base = undefined;
          this.pollAbort?.abort();
        }
      } else if (this.localCount > 0) {
        if (await store.acquireLease(hash, this.token, this.hub.leaseTtl)) {
          if (this.ended) {
            await store.releaseLease(hash, this.token);
            return;
          }
          this.holding = true;
          this.failures = 0;
          const { snapshot } = await store.loadSnapshot(hash);
          this.base = snapshot ? { epoch: snapshot.epoch, position: snapshot.position, records: snapshot.records as SnapshotEntry<T>[] } : null;
          // Keep the cluster's cadence: the previous holder's last poll counts.
          const now = this.hub.now();
          this.nextPollAt = snapshot ? Math.min(snapshot.observedAt + this.hub.interval, now + this.hub.interval) : now;
          this.hub.log.debug({ watch: hash }, 'live: lease taken; polling this watch');
        }
      } else {
        this.retire();
        return;
      }
      // Half a tick of slack: timers fire a little late, and a poll should not slip a whole tick.
      if (this.holding && !this.polling && !this.ended && this.hub.now() >= this.nextPollAt - this.hub.tickMs / 2) void this.poll();
    } catch (err) {
      this.hub.log.debug({ err, watch: hash }, 'live: store operation failed (retried next tick)');
    } finally {
      this.ticking = false;
    }
  }

  /** No subscriber here and no lease: this replica forgets the watch. */
  private retire(): void {
    if (this.localCount > 0 || this.holding) return;
    this.ended = true;
    this.stopFollowing();
    this.hub.dispose(this);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const hub = this.hub;
    const store = hub.store;
    const hash = this.watch.hash;
    const token = this.token;
    const observedAt = hub.now();
    this.nextPollAt = observedAt + hub.interval;
    const abort = new AbortController();
    this.pollAbort = abort;
    try {
      if (this.base === undefined) {
        const { snapshot } = await store.loadSnapshot(hash);
        this.base = snapshot ? { epoch: snapshot.epoch, position: snapshot.position, records: snapshot.records as SnapshotEntry<T>[] } : null;
      }
      let listing: ListResult<T>;
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            abort.abort();
            reject(Object.assign(new Error(`the poll took longer than ${hub.pollTimeoutMs} ms`), { code: 'UPSTREAM_TIMEOUT' }));
          }, hub.pollTimeoutMs);
        });
        listing = await Promise.race([hub.source(this.watch, { signal: abort.signal, limit: hub.maxRecords + 1 }), deadline]);
      } catch (err) {
        if ((abort.signal.aborted && !timedOut) || !this.holding || this.ended) return;
        this.failures++;
        hub.metrics.polled('failed', 0);
        const code = errorCode(err);
        hub.log.warn({ err, watch: hash, failures: this.failures }, 'live: poll failed; the snapshot is kept');
        if (this.failures >= hub.maxFailedPolls) {
          await this.fail(
            new LiveError('LIVE_UPSTREAM_FAILED', `the upstream failed ${this.failures} polls in a row; subscribe again later`, code ?? 'UPSTREAM_ERROR'),
          );
        }
        return;
      } finally {
        clearTimeout(timer);
      }
      if (abort.signal.aborted || !this.holding || this.ended) return;
      const seen = new Set<string>();
      const records: SnapshotEntry<T>[] = [];
      for (const entry of listing.records) {
        if (seen.has(entry.id) || (this.ids && !this.ids.has(entry.id))) continue;
        seen.add(entry.id);
        records.push(entry);
      }
      const calls = listing.upstreamCalls ?? 0;
      if (records.length > hub.maxRecords || (listing.total ?? 0) > hub.maxRecords) {
        hub.metrics.polled('too_large', calls);
        await this.fail(
          new LiveError('LIVE_WATCH_TOO_LARGE', `the watch holds more than ${hub.maxRecords} records: narrow the filter (lines, statuses, search, createdFrom)`),
        );
        return;
      }
      this.failures = 0;
      const base = this.base;
      const epoch = base ? base.epoch : newEpoch();
      const poll = hub.nextId('');
      let entries: NewEntry<T>[];
      if (base) {
        const changes = diffSnapshots(base.records, records, (e) => e.id, (e) => e.record as T & object);
        entries = changes.map((change) => ({ type: 'change', epoch, poll, observedAt, change }));
      } else {
        entries = [{ type: 'reset', epoch, poll, observedAt }];
      }
      const changed = !base || entries.length > 0;
      const result = await store.commit(hash, token, {
        base: base ? { epoch: base.epoch, position: base.position } : null,
        epoch,
        entries: entries as NewEntry[],
        records: changed ? records : null,
        observedAt,
        maxEvents: hub.replayEvents,
        retainMs: hub.retainMs,
      });
      if (token !== this.token) return; // reset meanwhile: this poll belongs to the old store
      if (result.ok) {
        this.base = { epoch, position: result.position, records: changed ? records : base!.records };
        hub.metrics.polled(base && entries.length > 0 ? 'changed' : 'unchanged', calls);
        if (base) hub.metrics.events(entries.length);
      } else if (result.reason === 'lease') {
        this.holding = false;
        this.base = undefined;
      } else {
        // Someone else committed since our base (a take-over race): diff against theirs next time, soon.
        this.base = undefined;
        this.nextPollAt = 0;
        hub.log.debug({ watch: hash }, 'live: commit conflict; re-reading the snapshot');
      }
    } catch (err) {
      if (token === this.token) this.base = undefined;
      hub.log.debug({ err, watch: hash }, 'live: poll could not reach the store (retried next interval)');
    } finally {
      if (this.pollAbort === abort) this.pollAbort = null;
      this.polling = false;
    }
  }

  /** Ends the watch everywhere: an `end` entry every follower (this replica's too) turns into the error. */
  private async fail(error: LiveError): Promise<void> {
    const hub = this.hub;
    hub.log.warn({ watch: this.watch.hash, code: error.code, cause: error.causeCode }, 'live: watch ended with an error');
    const epoch = this.base?.epoch ?? this.view?.epoch ?? newEpoch();
    const ok = await hub.store.end(this.watch.hash, this.token, epoch, { code: error.code, message: error.message, causeCode: error.causeCode }, hub.retainMs);
    if (ok) {
      // Subscribers here hear it now; the other replicas from the `end` entry.
      this.end(error);
    }
  }
}

/** Creates the live hub (see the module header and src/live/index.ts). */
export function createLiveHub<T>(options: LiveHubOptions<T>): LiveHub<T> {
  return new Hub<T>(options);
}
