import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { HTTP_TIMEOUTS, LOCAL_CREDENTIALS, LOCAL_REGION, type AwsTarget } from '../clients.ts';

/** The provider's own records of what ran: CloudWatch metrics and the functions' logs (found through Lambda's configuration). */
export interface ProviderClients {
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  lambda: LambdaClient;
  destroy(): void;
}

/**
 * Clients for the provider-side counts, never metered: they are the harness's reads, not
 * a variant's bill. On AWS the standard chain decides credentials, and the deployment
 * record's region is passed; locally moto serves CloudWatch and Logs on any of its ports.
 */
export function createProviderClients(target: AwsTarget): ProviderClients {
  const config =
    target.kind === 'local'
      ? {
          requestHandler: HTTP_TIMEOUTS,
          endpoint: target.endpoints.sqs,
          region: target.region ?? LOCAL_REGION,
          credentials: LOCAL_CREDENTIALS,
          maxAttempts: 1,
        }
      : { requestHandler: HTTP_TIMEOUTS, ...(target.region ? { region: target.region } : {}) };
  const cloudwatch = new CloudWatchClient(config);
  const logs = new CloudWatchLogsClient(config);
  const lambda = new LambdaClient(config);
  return {
    cloudwatch,
    logs,
    lambda,
    destroy() {
      cloudwatch.destroy();
      logs.destroy();
      lambda.destroy();
    },
  };
}
