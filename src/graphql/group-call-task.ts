/** GroupCallTask: an IVR or AI group call task, and its recall flows. */
import { builder } from './builder';
import type { GatewayContext } from './context';
import { resolveConnection, resolveWindow } from './paging/connection';
import { filterFingerprint } from './paging/cursor';
import { parseTaskLocalId, taskLocalId } from './paging/global-id';
import { GroupCallTaskStatus } from './group-call-task-status';
import { GroupCallTaskType } from './group-call-task-type';
import { requestJoin } from './join/request-join';
import { loadTaskNode } from './node-load';
import { RecallFlowConnection } from './recall-flow-connection';

builder.node('GroupCallTask', {
  description: 'An IVR or AI group call task.',
  id: {
    resolve: (r) => taskLocalId({ taskId: r.taskId, created: Math.floor(r.createdAt / 1000) }),
    parse: parseTaskLocalId,
  },
  loadOne: (key, ctx: GatewayContext) => loadTaskNode(key, ctx),
  fields: (t) => ({
    taskId: t.exposeInt('taskId'),
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
          const resolved = resolveWindow(
            args,
            { createdFrom: task.createdAt, createdTo: null, defaultWindowSeconds: 0, now: ctx.now, clampFrom: true },
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
