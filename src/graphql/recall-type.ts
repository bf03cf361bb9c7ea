/** RecallType: which numbers a recall flow redials. */
import { defineCodeEnum } from './code-enum';

export const RecallType = defineCodeEnum('RecallType', 'Which numbers a recall flow redials.', {
  ALL: { code: 0, description: 'Redial every number (0).' },
  FAILED_ONLY: { code: 1, description: 'Redial failed numbers only (1).' },
});
