import { setTimeout as sleep } from 'node:timers/promises';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { UserError } from '../../shared/errors.ts';

/** Exit code of `deploy/destroy --target aws` without credentials or region: the environment is not ready (README: 1). */
export const NO_AWS_EXIT_CODE = 1;

export interface AwsEnvironment {
  region: string;
}

export interface CheckOptions {
  /** The whole check, however the chain behaves (an unreachable instance metadata service must not hang it). */
  timeoutMs?: number;
  /** Test seam; the standard Node.js provider chain otherwise. */
  provider?: AwsCredentialIdentityProvider;
  /** Test seam; the SDK's region chain (AWS_REGION, the profile's region) otherwise. */
  region?: () => Promise<string | undefined>;
  /** What the failure left undone, for the message (default: the deploy's). */
  nothingDone?: string;
}

const HOW_TO =
  'Configure credentials the way the AWS CLI reads them (for example `aws configure sso` and `export AWS_PROFILE=<profile>`, ' +
  "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and a region (AWS_REGION or the profile's region), then run again.";

/**
 * Fails fast, before anything is synthesized or deployed, unless the standard
 * AWS credential chain (environment, shared config and credentials files, SSO,
 * web identity, process, ECS and EC2 instance roles) yields credentials and a
 * region is configured. The instance metadata probe gets one second and no
 * retries, and the whole check `timeoutMs`.
 */
export async function checkAwsEnvironment(opts: CheckOptions = {}): Promise<AwsEnvironment> {
  const timeoutMs = opts.timeoutMs ?? 8000;
  const nothing = opts.nothingDone ?? 'Nothing was synthesized or deployed.';
  const provider = opts.provider ?? fromNodeProviderChain({ timeout: 1000, maxRetries: 0 });
  const timedOut = { ok: false as const, timedOut: true as const };
  const abort = new AbortController();
  const result = await Promise.race([
    provider().then(
      (c) => ({ ok: true as const, expired: c.expiration !== undefined && c.expiration.getTime() <= Date.now() }),
      (err: unknown) => ({ ok: false as const, reason: (err as Error).message }),
    ),
    sleep(timeoutMs, timedOut, { signal: abort.signal }).catch(() => timedOut),
  ]);
  abort.abort();
  if ('timedOut' in result) {
    throw new UserError(
      `No AWS credentials: the AWS credential chain found none within ${timeoutMs / 1000}s. ${HOW_TO} ${nothing}`,
      NO_AWS_EXIT_CODE,
    );
  }
  if (!result.ok) {
    throw new UserError(
      `No AWS credentials: the AWS credential chain found none (${firstLine(result.reason)}). ${HOW_TO} ${nothing}`,
      NO_AWS_EXIT_CODE,
    );
  }
  if (result.expired) throw new UserError(`The AWS credentials found have expired. ${HOW_TO} ${nothing}`, NO_AWS_EXIT_CODE);
  const region = await (opts.region ?? defaultRegion)().catch(() => undefined);
  if (!region) throw new UserError(`No AWS region configured. ${HOW_TO} ${nothing}`, NO_AWS_EXIT_CODE);
  return { region };
}

/** The region the SDK (and so the CDK CLI) would use: AWS_REGION, then the profile's region. */
async function defaultRegion(): Promise<string | undefined> {
  const client = new SQSClient({});
  try {
    return await client.config.region();
  } finally {
    client.destroy();
  }
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).slice(0, 200);
}
