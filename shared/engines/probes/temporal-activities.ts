import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

export const probeActivities = {
  async reserve(orderId: string): Promise<string> {
    return `reserved:${orderId}`;
  },
  /** Fails the first `failures` attempts with a retryable error, then reports the attempt that succeeded. */
  async charge(_orderId: string, failures: number): Promise<number> {
    const attempt = Context.current().info.attempt;
    if (attempt <= failures) throw ApplicationFailure.retryable(`transient failure on attempt ${attempt}`, 'Transient');
    return attempt;
  },
};

export type ProbeActivities = typeof probeActivities;
