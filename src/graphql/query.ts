/** Query: the two lists (node and nodes come from the relay plugin). */
import { builder } from './builder';
import { resolveConnection, resolveWindow } from './paging/connection';
import { filterFingerprint } from './paging/cursor';
import { InputError } from './errors';
import { GroupCallTaskConnection } from './group-call-task-connection';
import { GroupCallTaskFilter } from './group-call-task-filter';
import { GroupCallTaskStatus } from './group-call-task-status';
import { requestJoin } from './join/request-join';
import { RecallFlowConnection } from './recall-flow-connection';
import { RecallFlowFilter } from './recall-flow-filter';

// Longer search strings are no name anyone has; refusing them keeps junk away from the upstream.
const MAX_SEARCH_LENGTH = 200;

function searchText(value: string | null | undefined, name: string): string | undefined {
  if (value == null) return undefined;
  if (value.length > MAX_SEARCH_LENGTH) throw new InputError(`\`${name}\` must be at most ${MAX_SEARCH_LENGTH} characters`);
  return value === '' ? undefined : value;
}

builder.queryFields((t) => ({
  groupCallTasks: t.connection(
    {
      type: 'GroupCallTask',
      description: 'Page size: first or last, 1..100, default 20.',
      args: { filter: t.arg({ type: GroupCallTaskFilter }) },
      resolve: async (_root, args, ctx) => {
        const f = args.filter ?? {};
        const statuses = f.statuses?.map((s) => GroupCallTaskStatus.toCode(s)).sort((a, b) => a - b);
        const search = searchText(f.search, 'filter.search');
        const appId = f.appId ?? undefined;
        const fingerprint = filterFingerprint(['tasks', f.createdFrom ?? null, f.createdTo ?? null, statuses ?? [], appId ?? null, search ?? null]);
        const resolved = resolveWindow(
          args,
          { createdFrom: f.createdFrom, createdTo: f.createdTo, defaultWindowSeconds: ctx.settings.defaultWindowDays * 86_400, now: ctx.now },
          fingerprint,
        );
        const connection = resolveConnection(
          args,
          resolved,
          (current, size, w) =>
            ctx.api.queryGroupCallTasks({ current, size, from: w.from * 1000, to: w.to * 1000, statuses, appId, search }, ctx.call),
          ctx.totals,
        );
        // Parent lookups of the request wait for this list, and its tasks join them at no cost.
        return requestJoin(ctx).taskList(connection, (c) => c.edges.map((edge) => edge.node));
      },
    },
    GroupCallTaskConnection,
  ),
  recallFlows: t.connection(
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
}));
