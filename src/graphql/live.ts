/**
 * Live updates in the schema: Subscription.groupCallTaskChanges / recallFlowChanges, ChangeKind
 * and the change types. A subscription is a watch (a filter as in the list query, its window's end
 * left open, or a set of global ids) handed to the live hub (src/live/), which polls each distinct
 * watch once per interval for every subscriber in the cluster; this file only turns arguments into
 * a watch and hub events into change objects. Nested fields of an event (a flow's parentTask, its
 * attempts, a task's recallFlows) resolve through one join per poll, shared by every event and
 * every subscriber of that poll on this replica: a poll's parents are asked together, once.
 */
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { Kind } from 'graphql';
import { LiveError, type LiveEvent, type LiveRecord, type WatchedKey, type WatchEntity, type WatchSpec } from '../live';
import type { GroupCallTaskRecord, ProductLineId, RecallFlowRecord } from '../upstream';
import { builder } from './builder';
import type { GatewayContext } from './context';
import { InputError } from './errors';
import { GroupCallTaskFilter, GroupCallTaskStatus } from './group-call-task';
import { requestJoin } from './join/request-join';
import { decodeGlobalID, flowLocalId, parseFlowLocalId, parseTaskLocalId, taskLocalId, encodeGlobalID } from './paging/global-id';
import { RecallFlowFilter } from './recall-flow';
import { searchText } from './search-text';

export const ChangeKind = builder.enumType('ChangeKind', {
  description: 'What an event says about its record.',
  values: {
    INITIAL: { description: 'The record as it stood when the subscription started (or restarted without a replay).' },
    ADDED: { description: 'The record entered the watch: newly created, or now listed under the filter.' },
    UPDATED: { description: 'A field of a watched record changed.' },
    REMOVED: { description: 'The record left the watch: no longer listed under the filter.' },
  } as const,
});

interface Change<R> {
  kind: 'INITIAL' | 'ADDED' | 'UPDATED' | 'REMOVED';
  id: string;
  record: R | null;
  changedFields: readonly string[];
  observedAt: number;
  cursor: string;
}

/** The global id a live record is known by (the hub's record id, so an ids watch takes clients' ids as they are). */
export function liveGlobalId(entity: WatchEntity, record: LiveRecord): string {
  if (entity === 'GroupCallTask') {
    const t = record as GroupCallTaskRecord;
    return encodeGlobalID('GroupCallTask', taskLocalId({ line: t.product, taskId: t.taskId, created: Math.floor(t.createdAt / 1000) }));
  }
  const f = record as RecallFlowRecord;
  return encodeGlobalID('RecallFlow', flowLocalId({ line: f.product, keyId: f.keyId, taskId: f.taskId, created: Math.floor(f.createdAt / 1000) }));
}

// Upstream record fields → the GraphQL fields that show them (changedFields speaks the schema).
const TASK_FIELDS: Record<string, readonly string[]> = {
  taskName: ['name'],
  status: ['status'],
  rate: ['rate'],
  numCnt: ['numberCount', 'callProgress'],
  callNum: ['calledCount', 'callProgress'],
  success: ['successCount'],
  fail: ['failCount'],
  createdTime: ['createdAt'],
  scriptId: ['scriptId'],
  taskType: ['type'],
};
const FLOW_FIELDS: Record<string, readonly string[]> = {
  taskId: ['taskId'],
  taskName: ['taskName'],
  createTime: ['createdAt'],
  recallType: ['recallType'],
  recallInterval: ['recallIntervalMinutes'],
  recallNum: ['recallAttempts'],
  finishNum: ['finishedAttempts'],
  status: ['status'],
};

/** The GraphQL names of the fields an UPDATED event changed (the hub's `mapChangedFields`). */
export function graphqlChangedFields(entity: WatchEntity, fields: readonly string[]): string[] {
  const table = entity === 'GroupCallTask' ? TASK_FIELDS : FLOW_FIELDS;
  const out = new Set<string>();
  for (const f of fields) for (const name of table[f] ?? []) out.add(name);
  return [...out];
}

function changeType<R extends object>(name: string, recordField: string, recordType: 'GroupCallTask' | 'RecallFlow', description: string) {
  return builder.objectRef<Change<R>>(name).implement({
    fields: (t) => ({
      kind: t.field({ type: ChangeKind, resolve: (c) => c.kind }),
      id: t.id({ description: `The ${recordType === 'GroupCallTask' ? 'task' : 'flow'}'s global id (also for REMOVED).`, resolve: (c) => c.id }),
      [recordField]: t.field({
        type: recordType,
        nullable: true,
        description,
        resolve: (c) => c.record as never,
      }),
      changedFields: t.stringList({
        description: `The ${recordType} fields whose values changed (UPDATED); empty otherwise.`,
        resolve: (c) => [...c.changedFields],
      }),
      observedAt: t.field({
        type: 'DateTime',
        description: 'When the gateway observed the change (the poll\'s time).',
        resolve: (c, _a, ctx) => ({ epochMs: c.observedAt, zone: ctx.settings.zone }),
      }),
      cursor: t.string({
        description: "Opaque position of this event in its watch's stream: pass it as `after` to resume.",
        resolve: (c) => c.cursor,
      }),
    }),
  });
}

export const GroupCallTaskChange = changeType<GroupCallTaskRecord>('GroupCallTaskChange', 'task', 'GroupCallTask', 'The task as last observed; null for REMOVED.');
export const RecallFlowChange = changeType<RecallFlowRecord>('RecallFlowChange', 'flow', 'RecallFlow', 'The flow as last observed; null for REMOVED.');

/** True when the subscription's selection asks for `path` under its root field (fragments included). */
function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  const walk = (set: SelectionSetNode | undefined, depth: number): boolean => {
    if (!set) return false;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === path[depth] && (depth === path.length - 1 || walk(s.selectionSet, depth + 1))) return true;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (walk(s.selectionSet, depth)) return true;
      } else {
        const fragment = info.fragments[s.name.value];
        if (fragment && walk(fragment.selectionSet, depth)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => walk(node.selectionSet, 0));
}

/** A thrown LiveError, carried as a value so that it ends the stream as a coded GraphQL error. */
class Ended {
  constructor(readonly error: unknown) {}
}

/**
 * The hub's events, with its final error (a failed watch, a slow consumer…) yielded as a value:
 * the resolver throws it, so the client's last payload is that coded error, then completion.
 * Not an async generator: a generator's return() waits for its pending next(), i.e. for the
 * watch's next event, so a client leaving a quiet watch would stay subscribed (and the watch
 * polled) until something changed. return() here ends the hub's subscription at once.
 */
function untilError<T>(events: AsyncIterableIterator<LiveEvent<T>>): AsyncIterableIterator<LiveEvent<T> | Ended> {
  let finished = false;
  const done = (): IteratorResult<LiveEvent<T> | Ended> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<LiveEvent<T> | Ended> = {
    async next() {
      if (finished) return done();
      try {
        const result = await events.next();
        if (result.done) finished = true;
        return finished ? done() : result;
      } catch (err) {
        if (finished) return done();
        finished = true;
        return { done: false, value: new Ended(err) };
      }
    },
    async return() {
      finished = true;
      await events.return?.();
      return done();
    },
    async throw(err?: unknown) {
      finished = true;
      await events.return?.();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function liveOf(ctx: GatewayContext) {
  if (!ctx.live) throw new LiveError('LIVE_UNAVAILABLE', 'live updates are not available on this gateway');
  return ctx.live;
}

function decodeIds(ids: readonly (string | number)[], entity: WatchEntity, lines: ReadonlyMap<ProductLineId, unknown>): WatchedKey[] {
  return ids.map((raw, i) => {
    const id = String(raw);
    const decoded = decodeGlobalID(id);
    if (decoded.typename !== entity) throw new InputError(`\`ids[${i}]\` is not a ${entity} id`);
    const key = entity === 'GroupCallTask' ? parseTaskLocalId(decoded.id) : parseFlowLocalId(decoded.id);
    if (!lines.has(key.line)) throw new InputError(`\`ids[${i}]\` names ${key.line}, a product line this gateway does not serve (LAAFFIC_PRODUCTS)`);
    const search = 'keyId' in key ? String(key.taskId) : null;
    return { line: key.line, id, createdAt: key.created * 1000, search };
  });
}

interface SubscribeArgs {
  ids?: readonly (string | number)[] | null;
  initial?: boolean | null;
  after?: string | null;
}

function subscribe(spec: WatchSpec, args: SubscribeArgs, ctx: GatewayContext): AsyncIterable<LiveEvent<LiveRecord> | Ended> {
  const events = liveOf(ctx).hub.subscribe(spec, {
    initial: args.initial ?? true,
    after: args.after ?? null,
    connectionId: ctx.connectionId,
  });
  return untilError(events);
}

/**
 * One event as its change object. Its nested fields resolve through the poll's join: when the
 * selection asks for a flow's parentTask (or attempts), the whole poll's are asked at once, once.
 */
async function resolveEvent<R extends LiveRecord>(
  item: LiveEvent<LiveRecord> | Ended,
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  entity: WatchEntity,
): Promise<Change<R>> {
  if (item instanceof Ended) throw item.error;
  const poll = item.batch.shared('context', () => liveOf(ctx).pollContext());
  ctx.livePoll = poll;
  if (entity === 'RecallFlow') {
    const flows = item.batch.records as RecallFlowRecord[];
    const join = requestJoin(poll);
    if (selects(info, ['flow', 'parentTask'])) await item.batch.shared('parents', () => Promise.allSettled(flows.map((f) => join.parentOf(f))));
    if (selects(info, ['flow', 'attempts'])) await item.batch.shared('attempts', () => Promise.allSettled(flows.map((f) => join.attemptsOf(f))));
  }
  const record = (item.record ?? null) as R | null;
  return {
    kind: item.kind,
    id: item.id,
    record,
    changedFields: item.changedFields,
    observedAt: item.observedAt,
    cursor: item.cursor,
  };
}

const windowOf = (f: { createdFrom?: number | null; createdTo?: number | null }) => ({
  createdFrom: f.createdFrom ?? null,
  createdTo: f.createdTo ?? null,
});

builder.subscriptionType({
  description:
    'Live updates. A subscription watches either a list (a filter, as in the matching query) or a set of objects (`ids`, global ids). The gateway polls the upstream for each distinct watch once per poll interval for all its subscribers (across every replica of a cluster) and sends what changed.',
});

builder.subscriptionField('groupCallTaskChanges', (t) =>
  t.field({
    type: GroupCallTaskChange,
    description:
      'Group call tasks, live. Unless `initial` is false or `after` resumes an earlier stream, first one INITIAL event per task in the watch, then ADDED / UPDATED / REMOVED as they are observed.',
    args: {
      filter: t.arg({ type: GroupCallTaskFilter }),
      ids: t.arg.idList(),
      initial: t.arg.boolean({ defaultValue: true }),
      after: t.arg.string(),
    },
    subscribe: (_root, args, ctx) => {
      const f = args.filter;
      if (f && args.ids) throw new InputError('give either `filter` or `ids`, not both');
      const spec: WatchSpec = args.ids
        ? { entity: 'GroupCallTask', ids: decodeIds(args.ids, 'GroupCallTask', ctx.lines) }
        : {
            entity: 'GroupCallTask',
            filter: {
              products: f?.products ?? null,
              statuses: f?.statuses?.map((s) => GroupCallTaskStatus.toCode(s)) ?? null,
              appId: f?.appId ?? null,
              search: searchText(f?.search, 'filter.search') ?? null,
              ...windowOf(f ?? {}),
            },
          };
      return subscribe(spec, args, ctx) as AsyncIterable<never>;
    },
    resolve: (item, _args, ctx, info) => resolveEvent<GroupCallTaskRecord>(item as LiveEvent<LiveRecord> | Ended, ctx, info, 'GroupCallTask'),
  }),
);

builder.subscriptionField('recallFlowChanges', (t) =>
  t.field({
    type: RecallFlowChange,
    description: 'Recall flows, live; the same rules as groupCallTaskChanges.',
    args: {
      filter: t.arg({ type: RecallFlowFilter }),
      ids: t.arg.idList(),
      initial: t.arg.boolean({ defaultValue: true }),
      after: t.arg.string(),
    },
    subscribe: (_root, args, ctx) => {
      const f = args.filter;
      if (f && args.ids) throw new InputError('give either `filter` or `ids`, not both');
      const spec: WatchSpec = args.ids
        ? { entity: 'RecallFlow', ids: decodeIds(args.ids, 'RecallFlow', ctx.lines) }
        : {
            entity: 'RecallFlow',
            filter: { products: f?.products ?? null, taskName: searchText(f?.parentTask, 'filter.parentTask') ?? null, ...windowOf(f ?? {}) },
          };
      return subscribe(spec, args, ctx) as AsyncIterable<never>;
    },
    resolve: (item, _args, ctx, info) => resolveEvent<RecallFlowRecord>(item as LiveEvent<LiveRecord> | Ended, ctx, info, 'RecallFlow'),
  }),
);
