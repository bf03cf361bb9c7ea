/**
 * The provider's product lines as values: each line has its own task list, recall-flow list and
 * recall-flow detail paths, and its own fixed task-list params (the AI Agent list refuses a call
 * without `taskType: 3`). The endpoints take a line; nothing else in this layer knows there are two.
 */

export type ProductLineId = 'GROUP_CALL' | 'AI_AGENT';

export const PRODUCT_LINE_IDS: readonly ProductLineId[] = ['GROUP_CALL', 'AI_AGENT'];

export interface ProductLine {
  id: ProductLineId;
  tasksPath: string;
  recallFlowsPath: string;
  recallFlowDetailPath: string;
  /** Params every task-list call of this line carries, before the query's own. */
  taskParams: Readonly<Record<string, unknown>>;
}

/** The provider's documented paths (API.md, "Two product lines"). */
export const DEFAULT_PRODUCT_LINES: Readonly<Record<ProductLineId, ProductLine>> = {
  GROUP_CALL: {
    id: 'GROUP_CALL',
    tasksPath: '/v3/voice/group/call/query',
    recallFlowsPath: '/v3/voice/recallFlow/queryPage',
    recallFlowDetailPath: '/v3/voice/recallFlow/queryDetail',
    taskParams: {},
  },
  AI_AGENT: {
    id: 'AI_AGENT',
    tasksPath: '/voice/group/call/query',
    recallFlowsPath: '/voice/recallFlow/queryPage',
    recallFlowDetailPath: '/voice/recallFlow/queryDetail',
    taskParams: { taskType: 3 },
  },
};

/** A line with the documented paths, some of them replaced. */
export function productLine(id: ProductLineId, paths: Partial<Omit<ProductLine, 'id'>> = {}): ProductLine {
  return { ...DEFAULT_PRODUCT_LINES[id], ...paths };
}

const LABEL_PREFIX: Record<ProductLineId, string> = { GROUP_CALL: '', AI_AGENT: 'aiAgent' };

/** A short name per endpoint path of the given lines (metric labels, logs). */
export function endpointNames(lines: readonly ProductLine[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const line of lines) {
    const prefix = LABEL_PREFIX[line.id];
    const name = (s: string) => (prefix ? prefix + s[0]!.toUpperCase() + s.slice(1) : s);
    names[line.tasksPath] = name('groupCallTasks');
    names[line.recallFlowsPath] = name('recallFlows');
    names[line.recallFlowDetailPath] = name('recallFlowDetails');
  }
  return names;
}
