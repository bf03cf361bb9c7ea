/**
 * Relay pagination over Query.recallFlows (each flow with its parent task): a @connection in a
 * @refetchable fragment on Query (FlowListPaginationQuery). Compiler input only; see TaskDetails.ts.
 */
import { graphql } from 'relay-runtime';

export const FlowList = graphql`
  fragment FlowList_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "RecallFlowFilter" }
  )
  @refetchable(queryName: "FlowListPaginationQuery") {
    recallFlows(first: $count, after: $cursor, filter: $filter)
      @connection(key: "FlowList_recallFlows", filters: ["filter"]) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          id
          keyId
          ...FlowDetails_flow
        }
      }
    }
  }
`;

export const FlowListQuery = graphql`
  query FlowListQuery($count: Int!, $filter: RecallFlowFilter) {
    ...FlowList_query @arguments(count: $count, filter: $filter)
  }
`;
