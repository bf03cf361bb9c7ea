/**
 * RecallFlow: an automatic recall (redial) flow. Its enums (status, recall type), the flow list's
 * filter and connection (shared with GroupCallTask.recallFlows), Query.recallFlows, and
 * RecallFlow.parentTask (through the join).
 */
import { builder } from './builder';
import { defineCodeEnum } from './code-enum';
import type { GatewayContext } from './context';
import { requestJoin } from './join/request-join';
import { loadFlowNode } from './node';
import { resolveConnection, resolveWindow } from './paging/connection';
import { filterFingerprint } from './paging/cursor';
import { flowLocalId, parseFlowLocalId } from './paging/global-id';
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
    resolve: (r) => flowLocalId({ keyId: r.keyId, taskId: r.taskId, created: Math.floor(r.createdAt / 1000) }),
    parse: parseFlowLocalId,
  },
  loadOne: (key, ctx: GatewayContext) => loadFlowNode(key, ctx),
  fields: (t) => ({
    keyId: t.exposeInt('keyId'),
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
  }),
});

builder.queryField('recallFlows', (t) =>
  t.connection(
    {
      type: 'RecallFlow',
      description: 'Page size: first or last, 1..100, default 20.',
      args: { filter: t.arg({ type: RecallFlowFilter }) },
      resolve: (_root, args, ctx) => {
        const f = args.filter ?? {};
        const taskName = searchText(f.parentTask, 'filter.parentTask');
        const fingerprint = filterFingerprint(['flows', f.createdFrom ?? null, f.createdTo ?? null, taskName ?? null]);
        const resolved = resolveWindow(
          args,
          { createdFrom: f.createdFrom, createdTo: f.createdTo, defaultWindowSeconds: ctx.settings.defaultWindowDays * 86_400, now: ctx.now },
          fingerprint,
        );
        return resolveConnection(
          args,
          resolved,
          (current, size, w) => ctx.api.queryRecallFlows({ current, size, from: w.from * 1000, to: w.to * 1000, taskName }, ctx.call),
          ctx.totals,
        );
      },
    },
    RecallFlowConnection,
  ),
);
