/** GroupCallTaskFilter: the task list's filter input. */
import { builder } from './builder';
import { GroupCallTaskStatus } from './group-call-task-status';

export const GroupCallTaskFilter = builder.inputType('GroupCallTaskFilter', {
  fields: (t) => ({
    createdFrom: t.field({ type: 'DateTime', description: 'Window start (inclusive). Default: createdTo minus the configured default window.' }),
    createdTo: t.field({ type: 'DateTime', description: 'Window end (inclusive). Default: now, pinned in the cursors of the pages that follow.' }),
    statuses: t.field({ type: [GroupCallTaskStatus.ref], description: 'Empty or absent: every status.' }),
    appId: t.int(),
    search: t.string({ description: 'Fuzzy search over task name, voice file name and text-to-speech text.' }),
  }),
});
