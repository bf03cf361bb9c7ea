/**
 * The two upstream list endpoints as typed functions. Callers speak instants (epoch ms) and
 * page numbers; this module turns them into the upstream's local date-times and parameter names,
 * and validates what comes back.
 */
import type { CallOptions, UpstreamClient } from './client';
import { toLocal, type Zone } from '../time';
import {
  parseGroupCallTaskPage,
  parseRecallFlowPage,
  type GroupCallTaskRecord,
  type Page,
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

export interface LaafficApi {
  queryGroupCallTasks(query: GroupCallTaskQuery, options?: CallOptions): Promise<Page<GroupCallTaskRecord>>;
  queryRecallFlows(query: RecallFlowQuery, options?: CallOptions): Promise<Page<RecallFlowRecord>>;
}

export interface EndpointPaths {
  tasksPath: string;
  recallFlowsPath: string;
}

export function createLaafficApi(client: UpstreamClient, zone: Zone, paths: EndpointPaths): LaafficApi {
  const window = (q: PageRequest) => ({ strTime: toLocal(q.from, zone), endTime: toLocal(q.to, zone) });
  return {
    async queryGroupCallTasks(q, options) {
      const params: Record<string, unknown> = window(q);
      if (q.statuses && q.statuses.length > 0) params.statusList = q.statuses;
      if (q.appId !== undefined) params.idxAppId = q.appId;
      if (q.search !== undefined && q.search !== '') params.searchCondition = q.search;
      const data = await client.post(paths.tasksPath, { current: q.current, size: q.size, params }, options);
      return parseGroupCallTaskPage(data, zone);
    },
    async queryRecallFlows(q, options) {
      const params: Record<string, unknown> = window(q);
      if (q.taskName !== undefined && q.taskName !== '') params.taskName = q.taskName;
      const data = await client.post(paths.recallFlowsPath, { current: q.current, size: q.size, params }, options);
      return parseRecallFlowPage(data, zone);
    },
  };
}
