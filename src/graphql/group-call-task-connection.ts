/** GroupCallTaskConnection and GroupCallTaskEdge. */
import { builder } from './builder';

export const GroupCallTaskConnection = builder.connectionObject(
  { type: 'GroupCallTask', name: 'GroupCallTaskConnection' },
  { name: 'GroupCallTaskEdge' },
);
