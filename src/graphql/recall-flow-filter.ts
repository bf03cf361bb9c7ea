/** RecallFlowFilter: the recall flow list's filter input. */
import { builder } from './builder';

export const RecallFlowFilter = builder.inputType('RecallFlowFilter', {
  fields: (t) => ({
    createdFrom: t.field({ type: 'DateTime' }),
    createdTo: t.field({ type: 'DateTime' }),
    parentTask: t.string({ description: 'Fuzzy search by parent task name, or exact search by parent task id (upstream semantics).' }),
  }),
});
