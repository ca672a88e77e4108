import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';

/** For deletes that may find the resource gone already: swallows "not found" errors of any service, rethrows the rest. */
export const ignoreMissing = (err: unknown): void => {
  const name = (err as { name?: string }).name ?? '';
  if (err instanceof ResourceNotFoundException || /NotFound|NonExistent|DoesNotExist|StateMachineDoesNotExist/.test(name)) return;
  throw err;
};
