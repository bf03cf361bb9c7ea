/**
 * Relay fragment on RecallFlow with its parent task (the gateway's join), refetchable through
 * Query.node(id:) (FlowDetailsRefetchQuery). Compiler input only; see TaskDetails.ts.
 */
import { graphql } from 'relay-runtime';

export const FlowDetails = graphql`
  fragment FlowDetails_flow on RecallFlow @refetchable(queryName: "FlowDetailsRefetchQuery") {
    id
    keyId
    taskId
    taskName
    createdAt
    status
    recallType
    recallIntervalMinutes
    recallAttempts
    finishedAttempts
    parentTask {
      id
      ...TaskDetails_task
    }
  }
`;
