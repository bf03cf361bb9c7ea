/**
 * RecallFlow: an automatic recall (redial) flow. Its enums (status, recall type), the flow list's
 * filter and connection (shared with GroupCallTask.recallFlows), Query.recallFlows,
 * RecallFlow.parentTask (through the join), and its redial attempts (RecallAttempt, from the
 * line's detail endpoint, each joined to the task it runs as).
 */
import { builder } from './builder';
import { defineCodeEnum } from './code-enum';
import type { GatewayContext } from './context';
import { requestJoin } from './join/request-join';
import { loadFlowNode } from './node';
import { filterFingerprint } from './paging/cursor';
import { flowLocalId, parseFlowLocalId } from './paging/global-id';
import { newestFirst, resolveLinesConnection } from './paging/merged-connection';
import { CallProduct, selectedLines } from './product';
import { searchText } from './search-text';

/** The upstream recall flow `status` codes. */
export const RecallFlowStatus = defineCodeEnum('RecallFlowStatus', 'Progress of a recall flow.', {
  PENDING: { code: 0, description: 'Pending (0).' },
  IN_PROGRESS: { code: 1, description: 'In progress (1).' },
  COMPLETED: { code: 2, description: 'Completed (2).' },
  CANCELLED: { code: 3, description: 'Cancelled (3).' },
  EXECUTION_EXCEPTION: { code: 4, description: 'Execution exception (4).' },
});

/** Which numbers a recall flow redials (the upstream `recallType` codes). */
export const RecallType = defineCodeEnum('RecallType', 'Which numbers a recall flow redials.', {
  ALL: { code: 0, description: 'Redial every number (0).' },
  FAILED_ONLY: { code: 1, description: 'Redial failed numbers only (1).' },
});

/** The recall flow list's filter input. */
export const RecallFlowFilter = builder.inputType('RecallFlowFilter', {
  fields: (t) => ({
    createdFrom: t.field({ type: 'DateTime' }),
    createdTo: t.field({ type: 'DateTime' }),
    parentTask: t.string({ description: 'Fuzzy search by parent task name, or exact search by parent task id (upstream semantics).' }),
    products: t.field({
      type: [CallProduct],
      description: 'Empty or absent: every product line the gateway serves, merged newest first.',
    }),
  }),
});

builder.objectType('RecallAttempt', {
  description: 'One redial attempt of a recall flow: a node of its process, which runs as a group call task.',
  fields: (t) => ({
    keyId: t.int({ description: "The node's upstream id.", resolve: (a) => a.node.keyId }),
    status: t.field({
      type: RecallFlowStatus.ref,
      description: "The node's status (the upstream uses the recall-flow status codes for nodes).",
      resolve: (a, _args, ctx) => RecallFlowStatus.fromCode(a.node.status, ctx.log),
    }),
    taskId: t.int({
      nullable: true,
      description: 'The id of the group call task this attempt runs as; null when the upstream gives none yet.',
      resolve: (a) => a.node.taskId,
    }),
    task: t.field({
      type: 'GroupCallTask',
      nullable: true,
      description: 'That group call task, joined by taskId (batched); null when there is none or it is not listed.',
      resolve: (a, _args, ctx) => requestJoin(ctx).attemptTask(a.flow, a.node),
    }),
  }),
});

/** RecallFlowConnection and RecallFlowEdge (shared by Query.recallFlows and GroupCallTask.recallFlows). */
export const RecallFlowConnection = builder.connectionObject(
  { type: 'RecallFlow', name: 'RecallFlowConnection' },
  { name: 'RecallFlowEdge' },
);

builder.node('RecallFlow', {
  description: 'An automatic recall (redial) flow attached to a parent group call task.',
  id: {
    resolve: (r) => flowLocalId({ line: r.product, keyId: r.keyId, taskId: r.taskId, created: Math.floor(r.createdAt / 1000) }),
    parse: parseFlowLocalId,
  },
  loadOne: (key, ctx: GatewayContext) => loadFlowNode(key, ctx),
  fields: (t) => ({
    keyId: t.exposeInt('keyId'),
    product: t.field({
      type: CallProduct,
      description: 'The product line whose list this flow comes from; its parent and attempts are of the same line.',
      resolve: (r) => r.product,
    }),
    taskId: t.exposeInt('taskId'),
    taskName: t.exposeString('taskName'),
    createdAt: t.field({ type: 'DateTime', resolve: (r, _a, ctx) => ({ epochMs: r.createdAt, zone: ctx.settings.zone }) }),
    recallType: t.field({ type: RecallType.ref, resolve: (r, _a, ctx) => RecallType.fromCode(r.recallType, ctx.log) }),
    recallIntervalMinutes: t.exposeInt('recallInterval'),
    recallAttempts: t.exposeInt('recallNum'),
    finishedAttempts: t.exposeInt('finishNum'),
    status: t.field({ type: RecallFlowStatus.ref, resolve: (r, _a, ctx) => RecallFlowStatus.fromCode(r.status, ctx.log) }),
    parentTask: t.field({
      type: 'GroupCallTask',
      nullable: true,
      description: 'The parent group call task, joined by taskId (batched); null if the upstream no longer lists it.',
      resolve: (r, _a, ctx) => requestJoin(ctx).parentOf(r),
    }),
    attempts: t.field({
      type: ['RecallAttempt'],
      nullable: true,
      description:
        "The flow's redial attempts (the nodes of its process), in the upstream's order, from the upstream's recall-flow detail (one upstream call per flow, batched and bounded per request). Null, with a coded error at this path, when that flow's detail could not be read: the rest of the page still arrives.",
      resolve: async (r, _a, ctx) => (await requestJoin(ctx).attemptsOf(r)).map((node) => ({ node, flow: r })),
    }),
  }),
});

const byNewest = newestFirst<{ createdAt: number; keyId: number }>((f) => f.createdAt, (f) => f.keyId);

builder.queryField('recallFlows', (t) =>
  t.connection(
    {
      type: 'RecallFlow',
      description: 'Page size: first or last, 1..100, default 20.',
      args: { filter: t.arg({ type: RecallFlowFilter }) },
      resolve: (_root, args, ctx) => {
        const f = args.filter ?? {};
        const taskName = searchText(f.parentTask, 'filter.parentTask');
        const lines = selectedLines(ctx, f.products, 'filter.products');
        // As before there were two lines when none is named, so the cursors handed out then still fit.
        const products = f.products?.length ? [[...new Set(f.products)].sort()] : [];
        const fingerprint = filterFingerprint(['flows', f.createdFrom ?? null, f.createdTo ?? null, taskName ?? null, ...products]);
        return resolveLinesConnection(args, {
          lines,
          input: {
            createdFrom: f.createdFrom,
            createdTo: f.createdTo,
            defaultWindowSeconds: ctx.settings.defaultWindowDays * 86_400,
            now: ctx.now,
            maxWindowDays: ctx.settings.maxWindowDays,
          },
          fingerprint,
          totals: ctx.totals,
          fetchPage: (api, current, size, w) => api.queryRecallFlows({ current, size, from: w.from * 1000, to: w.to * 1000, taskName }, ctx.call),
          compare: byNewest,
        });
      },
    },
    RecallFlowConnection,
  ),
);
