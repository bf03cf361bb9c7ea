/** RecallFlowConnection and RecallFlowEdge (shared by Query.recallFlows and GroupCallTask.recallFlows). */
import { builder } from './builder';

export const RecallFlowConnection = builder.connectionObject(
  { type: 'RecallFlow', name: 'RecallFlowConnection' },
  { name: 'RecallFlowEdge' },
);
