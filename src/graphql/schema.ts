/**
 * Assembles the schema: each type file registers itself on the builder when imported. The
 * printed SDL (schema/schema.graphql, `npm run codegen`) is sorted, so this order is only the
 * introspection order.
 */
import { builder } from './builder';
import './date-time';
import './node';
import './recall-flow';
import './group-call-task';
import './live';

export const schema = builder.toSchema({ sortSchema: false });
