/**
 * Node: the Node interface with the node(id:) and nodes(ids:) root fields (the relay plugin's,
 * configured in builder.ts), and refetching a node by its global id with one narrow upstream
 * call: the id carries the created second (and for a flow its parent id), so a window of a few
 * seconds around it finds the record. The types' `loadOne` call these.
 */
import type { GroupCallTaskRecord, RecallFlowRecord } from '../upstream';
import { builder } from './builder';
import type { GatewayContext } from './context';
import { requestJoin } from './join/request-join';
import type { FlowKey, TaskKey } from './paging/global-id';
import { lineApi } from './product';

/** Registers the Node interface, Query.node and Query.nodes (first among the root fields). */
export const NodeInterface = builder.nodeInterfaceRef();

// The upstream does not say whether endTime is inclusive, so look a little either side.
const SLACK_SECONDS = 2;
// Ids outside this range cannot be real (2000-01-01 .. 2100-01-01): answer null without a call.
const MIN_SECONDS = 946_684_800;
const MAX_SECONDS = 4_102_444_800;

const plausible = (created: number) => created >= MIN_SECONDS && created <= MAX_SECONDS;

/** A task by its id's key, in the id's line (an unserved line is BAD_USER_INPUT). */
export async function loadTaskNode(key: TaskKey, ctx: GatewayContext): Promise<GroupCallTaskRecord | null> {
  const api = lineApi(ctx, key.line ?? 'GROUP_CALL');
  if (!plausible(key.created)) return null;
  const page = await api.queryGroupCallTasks(
    { current: 1, size: 100, from: (key.created - SLACK_SECONDS) * 1000, to: (key.created + SLACK_SECONDS) * 1000 },
    ctx.call,
  );
  requestJoin(ctx).sawTasks(page.records);
  return page.records.find((r) => r.taskId === key.taskId) ?? null;
}

/** A flow by its id's key, in the id's line (an unserved line is BAD_USER_INPUT). */
export async function loadFlowNode(key: FlowKey, ctx: GatewayContext): Promise<RecallFlowRecord | null> {
  const api = lineApi(ctx, key.line ?? 'GROUP_CALL');
  if (!plausible(key.created)) return null;
  const page = await api.queryRecallFlows(
    {
      current: 1,
      size: 100,
      from: (key.created - SLACK_SECONDS) * 1000,
      to: (key.created + SLACK_SECONDS) * 1000,
      taskName: String(key.taskId),
    },
    ctx.call,
  );
  return page.records.find((r) => r.keyId === key.keyId && r.taskId === key.taskId) ?? null;
}
