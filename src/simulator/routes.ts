/**
 * The simulator's upstream paths: which product line and kind of query each serves, and the
 * names it is counted (and fault-filtered) under. The un-prefixed recall-flow paths depend on
 * the `productLines` option: the provider serves the AI Agent line there; the gateway, until it
 * learns the lines, reads the group-call flows there, so by default (legacy) they serve the
 * group-call line, like the `/v3` ones.
 */
import type { QueryKind } from './params';
import type { Line } from './records';

/**
 * Counter names, also accepted as a fault config's `endpoint` filter. A request counts under
 * every name that describes it (a `/v3` recall-flow list call is `recallFlows`, `v3Flows` and
 * `groupCallFlows`), and a fault filtered on a name applies to every request counted under it.
 */
export type Endpoint =
  | 'groupCallTasks'
  | 'agentTasks'
  | 'recallFlows'
  | 'v3Flows'
  | 'groupCallFlows'
  | 'agentFlows'
  | 'details'
  | 'v3Details'
  | 'groupCallDetails'
  | 'agentDetails';

export const ENDPOINTS: readonly Endpoint[] = [
  'groupCallTasks',
  'agentTasks',
  'recallFlows',
  'v3Flows',
  'groupCallFlows',
  'agentFlows',
  'details',
  'v3Details',
  'groupCallDetails',
  'agentDetails',
];

export const PATHS = {
  groupCallTasks: '/v3/voice/group/call/query',
  agentTasks: '/voice/group/call/query',
  v3Flows: '/v3/voice/recallFlow/queryPage',
  flows: '/voice/recallFlow/queryPage',
  v3Detail: '/v3/voice/recallFlow/queryDetail',
  detail: '/voice/recallFlow/queryDetail',
} as const;

export interface Route {
  path: string;
  kind: QueryKind;
  line: Line;
  /** The counters it increments and the fault `endpoint` names that match it. */
  tags: readonly Endpoint[];
}

/** The path → route table for a mapping of the un-prefixed recall-flow paths. */
export function buildRoutes(productLines: boolean): ReadonlyMap<string, Route> {
  const unprefixed: Line = productLines ? 'aiAgent' : 'groupCall';
  const flowTag: Endpoint = productLines ? 'agentFlows' : 'groupCallFlows';
  const detailTag: Endpoint = productLines ? 'agentDetails' : 'groupCallDetails';
  const routes: Route[] = [
    { path: PATHS.groupCallTasks, kind: 'tasks', line: 'groupCall', tags: ['groupCallTasks'] },
    { path: PATHS.agentTasks, kind: 'agentTasks', line: 'aiAgent', tags: ['agentTasks'] },
    { path: PATHS.v3Flows, kind: 'flows', line: 'groupCall', tags: ['recallFlows', 'v3Flows', 'groupCallFlows'] },
    { path: PATHS.flows, kind: 'flows', line: unprefixed, tags: ['recallFlows', flowTag] },
    { path: PATHS.v3Detail, kind: 'detail', line: 'groupCall', tags: ['details', 'v3Details', 'groupCallDetails'] },
    { path: PATHS.detail, kind: 'detail', line: unprefixed, tags: ['details', detailTag] },
  ];
  return new Map(routes.map((r) => [r.path, r]));
}
