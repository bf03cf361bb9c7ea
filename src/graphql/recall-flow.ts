/** RecallFlow: an automatic recall (redial) flow, and its parent task (joined through the loader). */
import { builder } from './builder';
import type { GatewayContext } from './context';
import { flowLocalId, parseFlowLocalId } from './paging/global-id';
import { requestJoin } from './join/request-join';
import { loadFlowNode } from './node-load';
import { RecallFlowStatus } from './recall-flow-status';
import { RecallType } from './recall-type';

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
