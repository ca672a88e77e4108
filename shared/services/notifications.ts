import type { NotificationsRepo } from './ports.ts';

/** Records that the customer was told; a duplicate tells nobody twice. */
export async function notifyCustomer(
  repo: NotificationsRepo,
  cmd: { orderId: string; customerId: string; template: string },
): Promise<{ notificationId: string; first: boolean }> {
  return repo.recordOnce(cmd.orderId, cmd.template, `note-${cmd.orderId}-${cmd.template}`);
}
