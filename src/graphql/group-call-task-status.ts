/** GroupCallTaskStatus: the upstream task `status` codes. */
import { defineCodeEnum } from './code-enum';

export const GroupCallTaskStatus = defineCodeEnum('GroupCallTaskStatus', 'Sending status of a group call task.', {
  WAITING_TO_SUBMIT: { code: 0, description: 'Waiting to submit (0).' },
  CALLING: { code: 1, description: 'Calling (1).' },
  FINISHED: { code: 2, description: 'Finished (2).' },
  SUBMISSION_FAILED: { code: 3, description: 'Submission failed (3).' },
  CANCELLED: { code: 4, description: 'Cancelled (4).' },
  PAUSED: { code: 5, description: 'Paused (5).' },
  SUBMITTING: { code: 6, description: 'Submitting (6).' },
});
