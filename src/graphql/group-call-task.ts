/**
 * GroupCallTask: an IVR or AI group call task. Its enums (status, type), the task list's filter
 * and connection, Query.groupCallTasks, and GroupCallTask.recallFlows (through the join).
 */
import { builder } from './builder';
import { defineCodeEnum } from './code-enum';
import type { GatewayContext } from './context';
import { requestJoin } from './join/request-join';
import { loadTaskNode } from './node';
import { resolveConnection, resolveWindow } from './paging/connection';
import { filterFingerprint } from './paging/cursor';
import { parseTaskLocalId, taskLocalId } from './paging/global-id';
import { newestFirst, resolveLinesConnection } from './paging/merged-connection';
import { CallProduct, selectedLines } from './product';
import { RecallFlowConnection } from './recall-flow';
import { searchText } from './search-text';

/** The upstream task `status` codes. */
export const GroupCallTaskStatus = defineCodeEnum('GroupCallTaskStatus', 'Sending status of a group call task.', {
  WAITING_TO_SUBMIT: { code: 0, description: 'Waiting to submit (0).' },
  CALLING: { code: 1, description: 'Calling (1).' },
  FINISHED: { code: 2, description: 'Finished (2).' },
  SUBMISSION_FAILED: { code: 3, description: 'Submission failed (3).' },
  CANCELLED: { code: 4, description: 'Cancelled (4).' },
  PAUSED: { code: 5, description: 'Paused (5).' },
  SUBMITTING: { code: 6, description: 'Submitting (6).' },
});

/** The upstream task `taskType` codes. */
export const GroupCallTaskType = defineCodeEnum('GroupCallTaskType', 'Kind of group call.', {
  IVR: { code: 1, description: 'Normal (IVR) group call (1).' },
  AI: { code: 2, description: 'AI group call (2).' },
  AI_AGENT: { code: 3, description: 'AI-agent group call (3).' },
});

/** The task list's filter input. */
export const GroupCallTaskFilter = builder.inputType('GroupCallTaskFilter', {
  fields: (t) => ({
    createdFrom: t.field({ type: 'DateTime', description: 'Window start (inclusive). Default: createdTo minus the configured default window.' }),
    createdTo: t.field({ type: 'DateTime', description: 'Window end (inclusive). Default: now, pinned in the cursors of the pages that follow.' }),
    statuses: t.field({ type: [GroupCallTaskStatus.ref], description: 'Empty or absent: every status.' }),
    appId: t.int(),
    search: t.string({ description: 'Fuzzy search over task name, voice file name and text-to-speech text.' }),
    products: t.field({
      type: [CallProduct],
      description: 'Empty or absent: every product line the gateway serves, merged newest first.',
    }),
  }),
});

builder.node('GroupCallTask', {
  description: 'An IVR or AI group call task.',
  id: {
    resolve: (r) => taskLocalId({ line: r.product, taskId: r.taskId, created: Math.floor(r.createdAt / 1000) }),
    parse: parseTaskLocalId,
  },
  loadOne: (key, ctx: GatewayContext) => loadTaskNode(key, ctx),
  fields: (t) => ({
    taskId: t.exposeInt('taskId'),
    product: t.field({ type: CallProduct, description: 'The product line whose list this task comes from.', resolve: (r) => r.product }),
    name: t.exposeString('taskName'),
    status: t.field({
      type: GroupCallTaskStatus.ref,
      resolve: (r, _a, ctx) => GroupCallTaskStatus.fromCode(r.status, ctx.log),
    }),
    type: t.field({
      type: GroupCallTaskType.ref,
      nullable: true,
      description: 'Null when the upstream record has no taskType.',
      resolve: (r, _a, ctx) => (r.taskType === null ? null : GroupCallTaskType.fromCode(r.taskType, ctx.log)),
    }),
    rate: t.string({ nullable: true, description: "The upstream's call progress string, verbatim.", resolve: (r) => r.rate }),
    callProgress: t.float({
      description: 'calledCount / numberCount, 0 when numberCount is 0.',
      resolve: (r) => (r.numCnt > 0 ? r.callNum / r.numCnt : 0),
    }),
    numberCount: t.exposeInt('numCnt'),
    calledCount: t.exposeInt('callNum'),
    successCount: t.exposeInt('success'),
    failCount: t.exposeInt('fail'),
    createdAt: t.field({ type: 'DateTime', resolve: (r, _a, ctx) => ({ epochMs: r.createdAt, zone: ctx.settings.zone }) }),
    scriptId: t.int({ nullable: true, resolve: (r) => r.scriptId }),
    recallFlows: t.connection(
      {
        type: 'RecallFlow',
        description: 'The automatic recall (redial) flows whose parent is this task.',
        resolve: (task, args, ctx) => {
          // A task's flows are searched from its creation to now, but never over a longer window than
          // the upstream serves: a flow created more than LAAFFIC_MAX_WINDOW_DAYS after its task is
          // out of reach (the window is pinned at the task's creation plus the limit).
          const max = ctx.settings.maxWindowDays;
          const createdTo = max !== undefined && ctx.now - task.createdAt > max * 86_400_000 ? task.createdAt + max * 86_400_000 : null;
          const resolved = resolveWindow(
            args,
            { createdFrom: task.createdAt, createdTo, defaultWindowSeconds: 0, now: ctx.now, clampFrom: true },
            filterFingerprint(['task-flows', task.taskId]),
          );
          // The task's flows are loaded whole (batched across tasks) and paged in memory.
          return resolveConnection(
            args,
            resolved,
            async (current, size, w) => {
              const all = await requestJoin(ctx).recallFlowsOf(task, w);
              return { records: all.slice((current - 1) * size, current * size), total: all.length };
            },
            ctx.totals,
          );
        },
      },
      RecallFlowConnection,
    ),
  }),
});

const byNewest = newestFirst<{ createdAt: number; taskId: number }>((t) => t.createdAt, (t) => t.taskId);

/** GroupCallTaskConnection and GroupCallTaskEdge. */
export const GroupCallTaskConnection = builder.connectionObject(
  { type: 'GroupCallTask', name: 'GroupCallTaskConnection' },
  { name: 'GroupCallTaskEdge' },
);

builder.queryField('groupCallTasks', (t) =>
  t.connection(
    {
      type: 'GroupCallTask',
      description: 'Page size: first or last, 1..100, default 20.',
      args: { filter: t.arg({ type: GroupCallTaskFilter }) },
      resolve: async (_root, args, ctx) => {
        const f = args.filter ?? {};
        const statuses = f.statuses?.map((s) => GroupCallTaskStatus.toCode(s)).sort((a, b) => a - b);
        const search = searchText(f.search, 'filter.search');
        const appId = f.appId ?? undefined;
        const lines = selectedLines(ctx, f.products, 'filter.products');
        // As before there were two lines when none is named, so the cursors handed out then still fit.
        const products = f.products?.length ? [[...new Set(f.products)].sort()] : [];
        const fingerprint = filterFingerprint(['tasks', f.createdFrom ?? null, f.createdTo ?? null, statuses ?? [], appId ?? null, search ?? null, ...products]);
        const connection = resolveLinesConnection(args, {
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
          fetchPage: (api, current, size, w) =>
            api.queryGroupCallTasks({ current, size, from: w.from * 1000, to: w.to * 1000, statuses, appId, search }, ctx.call),
          compare: byNewest,
        });
        // Parent lookups of the request wait for this list, and its tasks join them at no cost.
        return requestJoin(ctx).taskList(connection, (c) => c.edges.map((edge) => edge.node));
      },
    },
    GroupCallTaskConnection,
  ),
);
