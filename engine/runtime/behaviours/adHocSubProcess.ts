import { enterAdHocSubProcess } from '../adHoc';
import type { ElementBehaviour } from './types';

/** An ad-hoc sub-process: activates the elements of its active elements collection (and later those asked for). */
export const adHocSubProcess: ElementBehaviour = { onActivate: ({ ctx, ei, node }) => enterAdHocSubProcess(ctx, ei, node) };
