/** RecallFlowStatus: the upstream recall flow `status` codes. */
import { defineCodeEnum } from './code-enum';

export const RecallFlowStatus = defineCodeEnum('RecallFlowStatus', 'Progress of a recall flow.', {
  PENDING: { code: 0, description: 'Pending (0).' },
  IN_PROGRESS: { code: 1, description: 'In progress (1).' },
  COMPLETED: { code: 2, description: 'Completed (2).' },
  CANCELLED: { code: 3, description: 'Cancelled (3).' },
  EXECUTION_EXCEPTION: { code: 4, description: 'Execution exception (4).' },
});
