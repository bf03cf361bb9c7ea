/**
 * Relay fragment on GroupCallTask, refetchable through Query.node(id:) (the compiler generates
 * TaskDetailsRefetchQuery). Source for relay-compiler only: the runtime uses the generated
 * artifacts in relay/__generated__/ (no Babel plugin), so this module is never imported.
 */
import { graphql } from 'relay-runtime';

export const TaskDetails = graphql`
  fragment TaskDetails_task on GroupCallTask @refetchable(queryName: "TaskDetailsRefetchQuery") {
    id
    taskId
    name
    status
    type
    rate
    callProgress
    numberCount
    calledCount
    successCount
    failCount
    scriptId
    createdAt
  }
`;
