/**
 * @generated SignedSource<<a8c4031f23eb583e0610ddeb9d91c8f2>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ReaderFragment } from 'relay-runtime';
export type GroupCallTaskStatus = "CALLING" | "CANCELLED" | "FINISHED" | "PAUSED" | "SUBMISSION_FAILED" | "SUBMITTING" | "UNKNOWN" | "WAITING_TO_SUBMIT" | "%future added value";
export type GroupCallTaskType = "AI" | "AI_AGENT" | "IVR" | "UNKNOWN" | "%future added value";
import { FragmentRefs } from "relay-runtime";
export type TaskDetails_task$data = {
  readonly callProgress: number;
  readonly calledCount: number;
  readonly createdAt: string;
  readonly failCount: number;
  readonly id: string;
  readonly name: string;
  readonly numberCount: number;
  readonly rate: string | null | undefined;
  readonly scriptId: number | null | undefined;
  readonly status: GroupCallTaskStatus;
  readonly successCount: number;
  readonly taskId: number;
  readonly type: GroupCallTaskType | null | undefined;
  readonly " $fragmentType": "TaskDetails_task";
};
export type TaskDetails_task$key = {
  readonly " $data"?: TaskDetails_task$data;
  readonly " $fragmentSpreads": FragmentRefs<"TaskDetails_task">;
};

import TaskDetailsRefetchQuery_graphql from './TaskDetailsRefetchQuery.graphql';

const node: ReaderFragment = {
  "argumentDefinitions": [],
  "kind": "Fragment",
  "metadata": {
    "refetch": {
      "connection": null,
      "fragmentPathInResult": [
        "node"
      ],
      "operation": TaskDetailsRefetchQuery_graphql,
      "identifierInfo": {
        "identifierField": "id",
        "identifierQueryVariableName": "id"
      }
    }
  },
  "name": "TaskDetails_task",
  "selections": [
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "id",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "taskId",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "name",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "status",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "type",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "rate",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "callProgress",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "numberCount",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "calledCount",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "successCount",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "failCount",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "scriptId",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "createdAt",
      "storageKey": null
    }
  ],
  "type": "GroupCallTask",
  "abstractKey": null
};

(node as any).hash = "6ca57bbdee290ac966c524634355daea";

export default node;
