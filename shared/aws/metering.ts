import type { MetadataBearer, MiddlewareStack, Pluggable } from '@smithy/types';

/** AWS bills SQS and SNS payloads in 64 KB chunks: each chunk is one request. */
export const BILLING_CHUNK_BYTES = 64 * 1024;

export interface OperationCount {
  service: string;
  operation: string;
  calls: number;
  errors: number;
  throttles: number;
  requestBytes: number;
  responseBytes: number;
  /** Requests as the bill counts them: max(1, ceil(payload / 64 KB)) per call. */
  billingChunks: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
}

type Key = `${string}.${string}`;

/**
 * Counts every API call a client makes. The cost model is built only on these
 * counts, so they are taken from the wire (serialized request body, response
 * Content-Length) rather than from what the caller intended to send.
 */
export class Meter {
  private readonly counts = new Map<Key, OperationCount>();

  record(service: string, operation: string, delta: Partial<Omit<OperationCount, 'service' | 'operation'>>): void {
    const key: Key = `${service}.${operation}`;
    let c = this.counts.get(key);
    if (!c) {
      c = {
        service,
        operation,
        calls: 0,
        errors: 0,
        throttles: 0,
        requestBytes: 0,
        responseBytes: 0,
        billingChunks: 0,
        readCapacityUnits: 0,
        writeCapacityUnits: 0,
      };
      this.counts.set(key, c);
    }
    for (const [k, v] of Object.entries(delta) as [keyof typeof delta, number][]) c[k] += v;
  }

  get(service: string, operation: string): OperationCount | undefined {
    const c = this.counts.get(`${service}.${operation}`);
    return c ? { ...c } : undefined;
  }

  /** Stable order (service, operation) so snapshots diff cleanly in results files. */
  snapshot(): OperationCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
  }

  totalCalls(service?: string): number {
    let n = 0;
    for (const c of this.counts.values()) if (!service || c.service === service) n += c.calls;
    return n;
  }

  reset(): void {
    this.counts.clear();
  }
}

/** Adds up counts from several meters (processes, clients) into one snapshot, as one Meter would have counted them. */
export function mergeCounts(...lists: OperationCount[][]): OperationCount[] {
  const meter = new Meter();
  for (const { service, operation, ...counts } of lists.flat()) meter.record(service, operation, counts);
  return meter.snapshot();
}

export function billingChunks(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / BILLING_CHUNK_BYTES));
}

function bodyBytes(body: unknown): number {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

function headerBytes(headers: Record<string, string | undefined> | undefined): number {
  const v = headers?.['content-length'] ?? headers?.['Content-Length'];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : 0;
}

interface ConsumedCapacity {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
}

const DYNAMO_WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/**
 * With ReturnConsumedCapacity=TOTAL the service reports only CapacityUnits; the
 * operation says whether those are read or write units.
 */
function capacityOf(operation: string, output: unknown): { read: number; write: number } {
  const cc = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)?.ConsumedCapacity;
  const list = cc === undefined ? [] : Array.isArray(cc) ? cc : [cc];
  const isWrite = DYNAMO_WRITE_OPS.has(operation);
  let read = 0;
  let write = 0;
  for (const c of list) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      read += c.ReadCapacityUnits ?? 0;
      write += c.WriteCapacityUnits ?? 0;
    } else if (isWrite) write += c.CapacityUnits ?? 0;
    else read += c.CapacityUnits ?? 0;
  }
  return { read, write };
}

const DYNAMO_CAPACITY_OPS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
]);

/**
 * A client plugin. DynamoDB calls get ReturnConsumedCapacity=TOTAL injected so
 * the capacity the service reports can be counted; the caller's own setting wins.
 */
export function meteringPlugin(meter: Meter, service: string): Pluggable<any, any> {
  return {
    applyToStack(stack: MiddlewareStack<any, any>) {
      stack.add(
        (next, context) => async (args) => {
          const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
          const input = args.input as Record<string, unknown>;
          if (service === 'dynamodb' && DYNAMO_CAPACITY_OPS.has(operation) && input.ReturnConsumedCapacity === undefined) {
            input.ReturnConsumedCapacity = 'TOTAL';
          }
          return next(args);
        },
        { step: 'initialize', name: 'sagabenchCapacityRequest', priority: 'high' },
      );
      // finalizeRequest sees each attempt once signed, so SDK retries are counted as
      // the separate billed requests they are.
      stack.add(
        (next, context) => async (args) => {
          const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
          const request = args.request as { body?: unknown };
          const requestBytes = bodyBytes(request?.body);
          try {
            const result = await next(args);
            const response = (result as { response?: { headers?: Record<string, string>; statusCode?: number } }).response;
            const responseBytes = headerBytes(response?.headers);
            const failed = (response?.statusCode ?? 200) >= 400;
            meter.record(service, operation, {
              calls: 1,
              errors: failed ? 1 : 0,
              requestBytes,
              responseBytes,
              billingChunks: billingChunks(Math.max(requestBytes, responseBytes)),
            });
            return result;
          } catch (err) {
            const name = (err as { name?: string }).name ?? '';
            meter.record(service, operation, {
              calls: 1,
              errors: 1,
              throttles: THROTTLE_NAMES.has(name) ? 1 : 0,
              requestBytes,
              billingChunks: billingChunks(requestBytes),
            });
            throw err;
          }
        },
        { step: 'finalizeRequest', name: 'sagabenchMeter', priority: 'low' },
      );
      stack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (service === 'dynamodb') {
            const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
            const { read, write } = capacityOf(operation, (result as { output?: MetadataBearer }).output);
            if (read || write) meter.record(service, operation, { readCapacityUnits: read, writeCapacityUnits: write });
          }
          return result;
        },
        { step: 'initialize', name: 'sagabenchCapacity', priority: 'low' },
      );
    },
  };
}
