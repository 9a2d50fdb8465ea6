import type { Deps } from '../deps';
import type { Handler } from '../framework';
import { consentCheck, consentCurrent, consentRecord, consentWithdraw, shareRecord } from './consent';
import { deadlineCalculate } from './deadline-calculate';
import { escalate } from './escalate';
import { notifyTask } from './notify-task';
import { psychiatryUnits } from './psychiatry-units';
import { messagePublish } from './message';
import { processStart } from './process-start';
import { placeMove, placeRelease, queueAdmit, queueEnqueue, queueRemove } from './queue';

/** Every job type in workers/JOB_TYPES.md. */
export function allHandlers(deps: Deps): Handler<any, any>[] {
  return [
    deadlineCalculate(deps), notifyTask(deps), escalate(deps),
    consentRecord(deps), consentCheck(deps), consentCurrent(deps), consentWithdraw(deps), shareRecord(deps),
    queueEnqueue(deps), queueAdmit(deps), queueRemove(deps), placeRelease(deps), placeMove(deps),
    psychiatryUnits(deps),
    messagePublish(deps), processStart(deps),
  ];
}
