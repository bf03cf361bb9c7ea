/**
 * Relay pagination over Query.groupCallTasks: a @connection (store-merged pages) in a
 * @refetchable fragment on Query, so the compiler generates TaskListPaginationQuery, the query
 * usePaginationFragment's loadNext runs. Compiler input only; see TaskDetails.ts.
 */
import { graphql } from 'relay-runtime';

export const TaskList = graphql`
  fragment TaskList_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "GroupCallTaskFilter" }
  )
  @refetchable(queryName: "TaskListPaginationQuery") {
    groupCallTasks(first: $count, after: $cursor, filter: $filter)
      @connection(key: "TaskList_groupCallTasks", filters: ["filter"]) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          id
          taskId
          ...TaskDetails_task
        }
      }
    }
  }
`;

export const TaskListQuery = graphql`
  query TaskListQuery($count: Int!, $filter: GroupCallTaskFilter) {
    ...TaskList_query @arguments(count: $count, filter: $filter)
  }
`;
