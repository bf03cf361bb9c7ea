/**
 * @generated SignedSource<<2e2759682191fc380ece8c6b77a5745f>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ReaderFragment } from 'relay-runtime';
export type RecallFlowStatus = "CANCELLED" | "COMPLETED" | "EXECUTION_EXCEPTION" | "IN_PROGRESS" | "PENDING" | "UNKNOWN" | "%future added value";
export type RecallType = "ALL" | "FAILED_ONLY" | "UNKNOWN" | "%future added value";
import { FragmentRefs } from "relay-runtime";
export type FlowDetails_flow$data = {
  readonly createdAt: string;
  readonly finishedAttempts: number;
  readonly id: string;
  readonly keyId: number;
  readonly parentTask: {
    readonly id: string;
    readonly " $fragmentSpreads": FragmentRefs<"TaskDetails_task">;
  } | null | undefined;
  readonly recallAttempts: number;
  readonly recallIntervalMinutes: number;
  readonly recallType: RecallType;
  readonly status: RecallFlowStatus;
  readonly taskId: number;
  readonly taskName: string;
  readonly " $fragmentType": "FlowDetails_flow";
};
export type FlowDetails_flow$key = {
  readonly " $data"?: FlowDetails_flow$data;
  readonly " $fragmentSpreads": FragmentRefs<"FlowDetails_flow">;
};

import FlowDetailsRefetchQuery_graphql from './FlowDetailsRefetchQuery.graphql';

const node: ReaderFragment = (function(){
var v0 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
};
return {
  "argumentDefinitions": [],
  "kind": "Fragment",
  "metadata": {
    "refetch": {
      "connection": null,
      "fragmentPathInResult": [
        "node"
      ],
      "operation": FlowDetailsRefetchQuery_graphql,
      "identifierInfo": {
        "identifierField": "id",
        "identifierQueryVariableName": "id"
      }
    }
  },
  "name": "FlowDetails_flow",
  "selections": [
    (v0/*:: as any*/),
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "keyId",
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
      "name": "taskName",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "createdAt",
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
      "name": "recallType",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "recallIntervalMinutes",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "recallAttempts",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "finishedAttempts",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "concreteType": "GroupCallTask",
      "kind": "LinkedField",
      "name": "parentTask",
      "plural": false,
      "selections": [
        (v0/*:: as any*/),
        {
          "args": null,
          "kind": "FragmentSpread",
          "name": "TaskDetails_task"
        }
      ],
      "storageKey": null
    }
  ],
  "type": "RecallFlow",
  "abstractKey": null
};
})();

(node as any).hash = "6772c865af7ec36a842bd64dc3dd241f";

export default node;
