import { AsyncLocalStorage } from 'node:async_hooks';
import type { MetadataBearer, MiddlewareStack, Pluggable } from '@smithy/types';
import { billedCapacityUnits } from './capacity.ts';

/** AWS bills SQS and SNS payloads in 64 KB chunks (each chunk one request), EventBridge entries likewise (each chunk one event). */
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
  /**
   * Capacity units as AWS bills them, computed from the request and response by the
   * published rules (see capacity.ts), not as the emulator reports them.
   */
  billedCapacityUnits: number;
  /** What a call carried back or wrote: SQS messages received; DynamoDB items written or returned. */
  items: number;
  /**
   * Made by a time-based loop (an outbox poll, a consumer's long poll): such calls grow
   * with wall time, not with orders, so the cost model never bills them per order. A
   * loop's calls are counted apart from the same operation's per-order calls.
   */
  polling: boolean;
}

const polling = new AsyncLocalStorage<boolean>();

/**
 * Runs `fn` (and everything it starts) as a time-based polling loop: its calls are
 * marked `pollingCalls`. Work the loop hands on per message or per item goes
 * through `perOrderWork`, so it is billed as the order's own.
 */
export const pollingLoop = <T>(fn: () => T): T => polling.run(true, fn);
export const perOrderWork = <T>(fn: () => T): T => polling.run(false, fn);

const unbilled = new AsyncLocalStorage<boolean>();

/**
 * Runs `fn` with its calls left off the meter: a simulated third party's own
 * bookkeeping (the bank's and the carrier's attempt ledgers) rides on the
 * variant's client for convenience, but a real bank is not on the variant's bill.
 */
export const outsideTheBill = <T>(fn: () => T): T => unbilled.run(true, fn);

type Key = `${string}.${string}.${'poll' | 'work'}`;

/**
 * Counts every API call a client makes. The cost model is built only on these
 * counts, so they are taken from the wire (serialized request body, response
 * Content-Length) rather than from what the caller intended to send.
 */
export class Meter {
  private readonly counts = new Map<Key, OperationCount>();

  record(
    service: string,
    operation: string,
    delta: Partial<Omit<OperationCount, 'service' | 'operation' | 'polling'>>,
    polling = false,
  ): void {
    const key: Key = `${service}.${operation}.${polling ? 'poll' : 'work'}`;
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
        billedCapacityUnits: 0,
        items: 0,
        polling,
      };
      this.counts.set(key, c);
    }
    for (const [k, v] of Object.entries(delta) as [keyof typeof delta, number][]) c[k] += v;
  }

  /** The operation's per-order calls (or, with `polling`, its polling loop's). */
  get(service: string, operation: string, polling = false): OperationCount | undefined {
    const c = this.counts.get(`${service}.${operation}.${polling ? 'poll' : 'work'}`);
    return c ? { ...c } : undefined;
  }

  /** Stable order (service, operation) so snapshots diff cleanly in results files. */
  snapshot(): OperationCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort(
        (a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation) || Number(a.polling) - Number(b.polling),
      );
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
  for (const { service, operation, polling, ...counts } of lists.flat()) meter.record(service, operation, counts, polling);
  return meter.snapshot();
}

export function billingChunks(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / BILLING_CHUNK_BYTES));
}

/**
 * Calls billed per entry rather than per request: EventBridge bills each PutEvents
 * entry as one event per 64 KB of it (a batch of ten is ten events). An entry's size
 * is taken as its serialized JSON, a slight overcount of AWS's rule (the bytes of its
 * Time, Source, DetailType, Detail and Resources), which only matters at a chunk edge.
 */
const ITEMIZED: Readonly<Record<string, (input: Record<string, unknown>) => number[] | undefined>> = {
  'events.PutEvents': (input) => (input.Entries as unknown[] | undefined)?.map((e) => Buffer.byteLength(JSON.stringify(e))),
};

/** The request's billing chunks and items: per entry where the service bills entries, else by the payload. */
function billedUnits(service: string, operation: string, input: unknown, payloadBytes: number): { billingChunks: number; items?: number } {
  const entries = ITEMIZED[`${service}.${operation}`]?.((input ?? {}) as Record<string, unknown>);
  if (!entries?.length) return { billingChunks: billingChunks(payloadBytes) };
  return { billingChunks: entries.reduce((n, bytes) => n + billingChunks(bytes), 0), items: entries.length };
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
          if (unbilled.getStore()) return next(args);
          const request = args.request as { body?: unknown };
          const requestBytes = bodyBytes(request?.body);
          const input = (args as { input?: unknown }).input;
          const inLoop = polling.getStore() === true;
          try {
            const result = await next(args);
            const response = (result as { response?: { headers?: Record<string, string>; statusCode?: number } }).response;
            const responseBytes = headerBytes(response?.headers);
            const failed = (response?.statusCode ?? 200) >= 400;
            meter.record(
              service,
              operation,
              {
                calls: 1,
                errors: failed ? 1 : 0,
                requestBytes,
                responseBytes,
                ...billedUnits(service, operation, input, Math.max(requestBytes, responseBytes)),
              },
              inLoop,
            );
            return result;
          } catch (err) {
            const name = (err as { name?: string }).name ?? '';
            meter.record(
              service,
              operation,
              {
                calls: 1,
                errors: 1,
                throttles: THROTTLE_NAMES.has(name) ? 1 : 0,
                requestBytes,
                ...billedUnits(service, operation, input, requestBytes),
              },
              inLoop,
            );
            throw err;
          }
        },
        { step: 'finalizeRequest', name: 'sagabenchMeter', priority: 'low' },
      );
      stack.add(
        (next, context) => async (args) => {
          const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
          if (unbilled.getStore()) return next(args);
          const inLoop = polling.getStore() === true;
          let result: Awaited<ReturnType<typeof next>>;
          try {
            result = await next(args);
          } catch (err) {
            // A refused condition still consumes the write; a throttled request consumes nothing.
            const name = (err as { name?: string }).name ?? '';
            if (service === 'dynamodb' && !THROTTLE_NAMES.has(name)) {
              const billed = billedCapacityUnits(operation, args.input, undefined);
              if (billed.units) meter.record(service, operation, { billedCapacityUnits: billed.units, items: billed.items }, inLoop);
            }
            throw err;
          }
          const output = (result as { output?: MetadataBearer }).output;
          if (service === 'dynamodb') {
            const { read, write } = capacityOf(operation, output);
            const billed = billedCapacityUnits(operation, args.input, output);
            if (read || write || billed.units)
              meter.record(
                service,
                operation,
                {
                  readCapacityUnits: read,
                  writeCapacityUnits: write,
                  billedCapacityUnits: billed.units,
                  items: billed.items,
                },
                inLoop,
              );
          } else if (service === 'sqs' && operation === 'ReceiveMessage') {
            const got = (output as { Messages?: unknown[] } | undefined)?.Messages?.length ?? 0;
            if (got) meter.record(service, operation, { items: got }, inLoop);
          }
          return result;
        },
        { step: 'initialize', name: 'sagabenchCapacity', priority: 'low' },
      );
    },
  };
}
