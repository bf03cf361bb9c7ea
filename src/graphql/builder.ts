/**
 * The Pothos builder and its SchemaTypes. Type files (one per domain type: group-call-task.ts,
 * recall-flow.ts, node.ts) register themselves on it by side-effect import (see schema.ts). Edges
 * and nodes are non-null as the contract says; every connection carries a totalCount; global ids
 * use our own opaque encoding (paging/global-id.ts).
 */
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { GroupCallTaskRecord, RecallFlowRecord, RecallNodeRecord } from '../upstream';
import type { Zone } from '../time';
import type { GatewayContext } from './context';
import { decodeGlobalID, encodeGlobalID } from './paging/global-id';

/** DateTime's output: an instant plus the zone it is shown in (the upstream account's). */
export interface ZonedInstant {
  epochMs: number;
  zone: Zone;
}

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: { DateTime: { Input: number; Output: ZonedInstant } };
  Objects: {
    GroupCallTask: GroupCallTaskRecord;
    RecallFlow: RecallFlowRecord;
    /** A node of the flow's detail, with its flow (the child task is joined in the flow's line). */
    RecallAttempt: { node: RecallNodeRecord; flow: RecallFlowRecord };
  };
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Connection: { totalCount: number };
  DefaultFieldNullability: false;
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    cursorType: 'String',
    clientMutationId: 'omit',
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    encodeGlobalID,
    decodeGlobalID,
  },
});

builder.queryType({});

builder.globalConnectionField('totalCount', (t) =>
  t.int({ nullable: false, description: 'Records in the whole list (the upstream total).', resolve: (c) => c.totalCount }),
);
