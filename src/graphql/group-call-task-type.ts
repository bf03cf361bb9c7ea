/** GroupCallTaskType: the upstream task `taskType` codes. */
import { defineCodeEnum } from './code-enum';

export const GroupCallTaskType = defineCodeEnum('GroupCallTaskType', 'Kind of group call.', {
  IVR: { code: 1, description: 'Normal (IVR) group call (1).' },
  AI: { code: 2, description: 'AI group call (2).' },
  AI_AGENT: { code: 3, description: 'AI-agent group call (3).' },
});
