// The README's typed client: recall flows with their parent tasks, typed end to end by the
// document GraphQL Code Generator generates from schema/operations/RecallFlowsWithParents.graphql
// (`npm run codegen`). Plain fetch; test/clients/typed-client.test.ts runs this file as it is.
import { print } from 'graphql';
import {
  RecallFlowsWithParentsDocument,
  type RecallFlowFilter,
  type RecallFlowsWithParentsQuery,
  type RecallFlowsWithParentsQueryVariables,
} from '../generated/graphql';

const QUERY = print(RecallFlowsWithParentsDocument);

export async function recallFlowsWithParents(
  endpoint: string, // e.g. http://localhost:4000/graphql
  variables: RecallFlowsWithParentsQueryVariables,
  headers: Record<string, string> = {}, // e.g. { authorization: `Bearer ${token}` } when GATEWAY_TOKENS is set
): Promise<RecallFlowsWithParentsQuery['recallFlows']> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query: QUERY, variables }),
  });
  const body = (await res.json()) as { data?: RecallFlowsWithParentsQuery; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`);
  return body.data.recallFlows; // typed: node.status is 'PENDING' | 'IN_PROGRESS' | ..., parentTask may be null
}

/** Every flow in the window, newest first, one line each with its parent task: pages of 100. */
export async function listFlowsWithParents(endpoint: string, filter: RecallFlowFilter): Promise<string[]> {
  const lines: string[] = [];
  let after: string | null = null;
  do {
    const page = await recallFlowsWithParents(endpoint, { first: 100, after, filter });
    for (const { node: flow } of page.edges) {
      const parent = flow.parentTask ? `task ${flow.parentTask.taskId} ${flow.parentTask.name} (${flow.parentTask.status})` : 'no parent';
      lines.push(`${flow.createdAt} flow ${flow.keyId} ${flow.status} ${flow.finishedAttempts}/${flow.recallAttempts} <- ${parent}`);
    }
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after !== null);
  return lines;
}
