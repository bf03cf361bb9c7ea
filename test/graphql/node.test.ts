/**
 * node.ts over real HTTP against the embedded simulator: node(id:) and nodes(ids:) across both
 * node types, and ids that are malformed (BAD_USER_INPUT at the node's path) or forged (a plain
 * null, one upstream call at most, none for an implausible time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID, flowLocalId, taskLocalId } from '../../src/graphql/paging/global-id';
import type { FlowRecord, TaskRecord } from '../../src/simulator';
import { codes, ok } from '../helpers/expect';
import { TASK_FIELDS, windowFilter, windowOver, type Conn, type Window } from '../helpers/records';
import { startStack, type Stack } from '../helpers/stack';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

let stack: Stack;
let tasks: TaskRecord[];
let flows: FlowRecord[];

beforeAll(async () => {
  stack = await startStack();
  tasks = stack.sim.dataset.tasks;
  flows = stack.sim.dataset.flows;
});
afterAll(() => stack.close());

type TaskNode = { id: string; taskId: number; name: string };

const LIST = `query($f: GroupCallTaskFilter, $n: Int) { groupCallTasks(first: $n, filter: $f) { totalCount edges { node { ${TASK_FIELDS} } } } }`;

async function listTasks(w: Window, n = 100) {
  const data = ok(await stack.gql<{ groupCallTasks: Conn<TaskNode> }>(LIST, { f: windowFilter(w), n }));
  return data.groupCallTasks;
}

describe('node(id:) and nodes(ids:) across types', () => {
  it('nodes(ids:) resolves tasks and flows in order, and null for a well-formed id of no record', async () => {
    const conn = await listTasks(windowOver(tasks, 1500, 10));
    const [a, b] = [conn.edges[0]!.node, conn.edges[5]!.node];
    const flow = flows[100]!;
    const flowId = ok(
      await stack.gql(`query($f: RecallFlowFilter) { recallFlows(first: 10, filter: $f) { edges { node { id keyId } } } }`, {
        f: windowFilter({ from: flow.createdMs, to: flow.createdMs }),
      }),
    ).recallFlows.edges.find((e: { node: { keyId: number } }) => e.node.keyId === flow.keyId).node.id;
    const ghost = encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: Math.floor(tasks[10]!.createdMs / 1000) }));
    const data = ok(
      await stack.gql(
        `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on GroupCallTask { taskId name } ... on RecallFlow { keyId taskId } } }`,
        { ids: [b.id, flowId, ghost, a.id] },
      ),
    );
    expect(data.nodes).toEqual([
      { __typename: 'GroupCallTask', id: b.id, taskId: b.taskId, name: b.name },
      { __typename: 'RecallFlow', id: flowId, keyId: flow.keyId, taskId: flow.taskId },
      null,
      { __typename: 'GroupCallTask', id: a.id, taskId: a.taskId, name: a.name },
    ]);
  });

  it('a flow id is not a task: node(id:) with a flow id gives a RecallFlow', async () => {
    const f = flows[50]!;
    const id = encodeGlobalID('RecallFlow', flowLocalId({ keyId: f.keyId, taskId: f.taskId, created: f.createdMs / 1000 }));
    const data = ok(await stack.gql(`query($id: ID!) { node(id: $id) { __typename ... on GroupCallTask { taskId } ... on RecallFlow { keyId } } }`, { id }));
    expect(data.node).toEqual({ __typename: 'RecallFlow', keyId: f.keyId });
  });
});

describe('bad input', () => {
  const ALIVE = '{ groupCallTasks(first: 1) { totalCount } }';
  const forgedTask = () => encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: Math.floor(tasks[20]!.createdMs / 1000) }));
  const forgedFlow = () => encodeGlobalID('RecallFlow', flowLocalId({ keyId: 1, taskId: 2, created: Math.floor(flows[20]!.createdMs / 1000) }));

  it.each<[string, () => string, number]>([
    ['garbage', () => 'garbage!!', 0],
    ['base64url of nonsense', () => b64('nonsense'), 0],
    ['unknown type', () => b64('Query:1.2'), 0],
    ['task id with a flow-shaped local id', () => b64('GroupCallTask:1.2.3'), 0],
    ['forged task id, plausible time', forgedTask, 1],
    ['forged flow id, plausible time', forgedFlow, 1],
    ['forged task id, implausible time', () => encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: 5 })), 0],
  ])('node(id:) with a %s id → null or BAD_USER_INPUT, never INTERNAL', async (_name, id, calls) => {
    stack.resetCalls();
    const res = await stack.gql('query($id: ID!) { node(id: $id) { id } }', { id: id() });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ node: null });
    for (const code of codes(res)) expect(code).toBe('BAD_USER_INPUT');
    const c = stack.calls();
    expect(c.tasks + c.flows).toBe(calls);
    expect(ok(await stack.gql(ALIVE)).groupCallTasks.totalCount).toBeGreaterThan(0);
  });

  it('garbage ids are errors at the node path; forged ones are plain nulls', async () => {
    const res = await stack.gql('query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }', { a: 'garbage!!', b: forgedTask() });
    expect(res.data).toEqual({ a: null, b: null });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['a'], 'BAD_USER_INPUT']]);
  });
});
