import { enterAdHocSubProcess, onAdHocInnerCompleted } from '../adHoc';
import type { ElementBehaviour } from './types';

/** An ad-hoc sub-process: activates the elements of its active elements collection (and later those asked for). */
export const adHocSubProcess: ElementBehaviour = {
  onActivate: ({ ctx, ei, node }) => enterAdHocSubProcess(ctx, ei, node),
  // Its children are its inner instances (one per activated element); its completion condition decides.
  onChildCompleted: ({ ctx, ei }) => onAdHocInnerCompleted(ctx, ei),
};
