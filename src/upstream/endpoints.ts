/**
 * One product line's three upstream endpoints as typed functions (task list, recall-flow list,
 * recall-flow detail). Callers speak instants (epoch ms) and page numbers; this module turns them
 * into the upstream's local date-times and parameter names, adds the line's fixed params, and
 * validates what comes back (each record stamped with its line).
 */
import type { CallOptions, UpstreamClient } from './client';
import { toLocal, type Zone } from '../time';
import type { ProductLine, ProductLineId } from './lines';
import {
  parseGroupCallTaskPage,
  parseRecallFlowDetail,
  parseRecallFlowPage,
  type GroupCallTaskRecord,
  type Page,
  type RecallFlowDetailRecord,
  type RecallFlowRecord,
} from './records';

export interface PageRequest {
  /** 1-based page number. */
  current: number;
  /** 1..100. */
  size: number;
  /** Window start, epoch ms (inclusive, truncated to the second). */
  from: number;
  /** Window end, epoch ms (inclusive, truncated to the second). */
  to: number;
}

export interface GroupCallTaskQuery extends PageRequest {
  statuses?: number[];
  appId?: number;
  search?: string;
}

export interface RecallFlowQuery extends PageRequest {
  /** Fuzzy parent task name, or an exact parent task id. */
  taskName?: string;
}

/** One product line's endpoints. */
export interface LaafficApi {
  readonly line: ProductLineId;
  queryGroupCallTasks(query: GroupCallTaskQuery, options?: CallOptions): Promise<Page<GroupCallTaskRecord>>;
  queryRecallFlows(query: RecallFlowQuery, options?: CallOptions): Promise<Page<RecallFlowRecord>>;
  /** The flow's detail with its nodes (one call, not paged); an unknown keyId is an upstream error code. */
  queryRecallFlowDetail(keyId: number, options?: CallOptions): Promise<RecallFlowDetailRecord>;
}

export function createLaafficApi(client: UpstreamClient, zone: Zone, line: ProductLine): LaafficApi {
  const window = (q: PageRequest) => ({ strTime: toLocal(q.from, zone), endTime: toLocal(q.to, zone) });
  return {
    line: line.id,
    async queryGroupCallTasks(q, options) {
      const params: Record<string, unknown> = { ...line.taskParams, ...window(q) };
      if (q.statuses && q.statuses.length > 0) params.statusList = q.statuses;
      if (q.appId !== undefined) params.idxAppId = q.appId;
      if (q.search !== undefined && q.search !== '') params.searchCondition = q.search;
      const data = await client.post(line.tasksPath, { current: q.current, size: q.size, params }, options);
      return parseGroupCallTaskPage(data, zone, line.id);
    },
    async queryRecallFlows(q, options) {
      const params: Record<string, unknown> = window(q);
      if (q.taskName !== undefined && q.taskName !== '') params.taskName = q.taskName;
      const data = await client.post(line.recallFlowsPath, { current: q.current, size: q.size, params }, options);
      return parseRecallFlowPage(data, zone, line.id);
    },
    async queryRecallFlowDetail(keyId, options) {
      const data = await client.post(line.recallFlowDetailPath, { keyId }, options);
      return parseRecallFlowDetail(data, line.id);
    },
  };
}
