// The durable saga on AWS Lambda: the same handler the local runner runs (saga.ts),
// over the orchestrators' task table on the function's own clients. The CDK stack
// sets the environment read below; it is read on the first invocation, not on import.
import { createAwsClients } from '../../shared/aws/clients.ts';
import { tableNamesSchema } from '../../shared/topology/tables.ts';
import { createTasks } from '../tasks.ts';
import { durableSaga } from './saga.ts';

export const DURABLE_ENV = { tables: 'SAGABENCH_TABLES' } as const;

let saga: ReturnType<typeof durableSaga> | undefined;

function fromEnv(): ReturnType<typeof durableSaga> {
  const tablesJson = process.env[DURABLE_ENV.tables];
  if (!tablesJson) throw new Error(`${DURABLE_ENV.tables} is not set; the CDK stack sets it on the durable saga function`);
  return durableSaga(createTasks(createAwsClients({ kind: 'aws' }), tableNamesSchema.parse(JSON.parse(tablesJson))));
}

export const handler: ReturnType<typeof durableSaga> = (event, context) => (saga ??= fromEnv())(event, context);
