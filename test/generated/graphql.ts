/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The provider's two product lines, each with its own task list, recall-flow list and recall-flow detail endpoints. */
export type CallProduct =
  /** AI Agent group calls (task type AI_AGENT). */
  | 'AI_AGENT'
  /** IVR and AI group calls (task types IVR and AI). */
  | 'GROUP_CALL';

/** Sending status of a group call task. */
export type GroupCallTaskStatus =
  /** Calling (1). */
  | 'CALLING'
  /** Cancelled (4). */
  | 'CANCELLED'
  /** Finished (2). */
  | 'FINISHED'
  /** Paused (5). */
  | 'PAUSED'
  /** Submission failed (3). */
  | 'SUBMISSION_FAILED'
  /** Submitting (6). */
  | 'SUBMITTING'
  /** A value the upstream added after this gateway was built. */
  | 'UNKNOWN'
  /** Waiting to submit (0). */
  | 'WAITING_TO_SUBMIT';

export type RecallFlowFilter = {
  createdFrom?: string | null | undefined;
  createdTo?: string | null | undefined;
  /** Fuzzy search by parent task name, or exact search by parent task id (upstream semantics). */
  parentTask?: string | null | undefined;
  /** Empty or absent: every product line the gateway serves, merged newest first. */
  products?: Array<CallProduct> | null | undefined;
};

/** Progress of a recall flow. */
export type RecallFlowStatus =
  /** Cancelled (3). */
  | 'CANCELLED'
  /** Completed (2). */
  | 'COMPLETED'
  /** Execution exception (4). */
  | 'EXECUTION_EXCEPTION'
  /** In progress (1). */
  | 'IN_PROGRESS'
  /** Pending (0). */
  | 'PENDING'
  /** A value the upstream added after this gateway was built. */
  | 'UNKNOWN';

export type RecallFlowsWithParentsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: RecallFlowFilter | null | undefined;
}>;


export type RecallFlowsWithParentsQuery = { recallFlows: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, keyId: number, taskName: string, createdAt: string, status: RecallFlowStatus, recallAttempts: number, finishedAttempts: number, parentTask: { id: string, taskId: number, name: string, status: GroupCallTaskStatus, createdAt: string, callProgress: number } | null } }> } };


export const RecallFlowsWithParentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecallFlowsWithParents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RecallFlowFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recallFlows"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"keyId"}},{"kind":"Field","name":{"kind":"Name","value":"taskName"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"recallAttempts"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAttempts"}},{"kind":"Field","name":{"kind":"Name","value":"parentTask"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"taskId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"callProgress"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RecallFlowsWithParentsQuery, RecallFlowsWithParentsQueryVariables>;