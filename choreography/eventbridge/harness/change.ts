import type { ChangeScript } from '../../../shared/variant/change.ts';
import { change as choreographyChange } from '../../harness/change.ts';

/**
 * The same edit as the SNS choreography's: the rules' patterns, like the
 * subscriptions' filter policies, follow from REACTIONS, so the bus adds nothing to change.
 */
export const change: ChangeScript = { ...choreographyChange, variant: 'eventbridge' };
