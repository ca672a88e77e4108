// The orders service's entry point as the benchmark calls it: one HTTP request
// per order to the orders process, as an API in front of the service would take
// it. The harness places orders through this instead of running the service's
// code itself, so the choreography's edge is one call to a process of its own,
// like StartExecution for Step Functions and StartWorkflowExecution for Temporal,
// and its work is not on the harness's CPU.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContractError } from '../../shared/domain/contracts.ts';
import { perOrderWork } from '../../shared/aws/metering.ts';
import { roundTimes, timeCalls, type CallTimes } from '../../shared/aws/call-timing.ts';
import { DuplicateOrderError, type OrdersService } from './orders-service.ts';

const PATH = '/orders';
/** Far above any order document the workload makes (payloads go to the claim-check store past 200 KB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Serves POST /orders on 127.0.0.1 (a free port); resolves with its base URL once listening. */
export async function serveOrdersApi(orders: OrdersService): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== PATH) return answer(404, { error: `only POST ${PATH}` });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return answer(413, { error: `an order body is at most ${MAX_BODY_BYTES} bytes` });
      let input: unknown;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        return answer(400, { error: `not JSON: ${(err as Error).message}` });
      }
      // The answer carries the accept's own AWS call time (the append, the publish on commit), so the
      // harness can attribute it as it does a step's: the orders API is the choreography's edge.
      perOrderWork(() => timeCalls(() => orders.placeOrder(input))).then(
        ({ result: { orderId }, io }) => answer(201, { orderId, io: roundTimes(io) }),
        (err: Error) => {
          if (err instanceof DuplicateOrderError) return answer(409, { error: err.message, orderId: err.orderId });
          // The refusal's own terms travel back, so the caller sees the same ContractError the service threw.
          if (err instanceof ContractError) return answer(400, { error: err.message, contract: { what: err.what, issues: err.issues } });
          answer(500, { error: err.message });
        },
      );
    });
  });
  // The harness keeps its connections between orders; a server that closed one idle for 5 s (Node's
  // default) raced the next order written on it, which failed with ECONNRESET (two orders of a
  // default run at 24 clients). Idle connections stay open until the client closes them.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Where the orders process writes its API's URL (before it says ready), next to its traces. */
export const ordersApiFile = (traceDir: string): string => `${traceDir}/orders-api.json`;

export function writeOrdersApiUrl(traceDir: string, url: string): void {
  const file = ordersApiFile(traceDir);
  // Written whole, then renamed: a reader never sees half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ url }));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * The client side: places one order, throws DuplicateOrderError when the order id
 * exists, and an Error with the service's reason otherwise. The URL is re-read
 * when the process refused the connection (a restarted orders process listens on
 * a new port); nothing reached the service then, so the one retry cannot place an
 * order twice.
 */
export function ordersApiClient(traceDir: string): (order: unknown) => Promise<{ io?: CallTimes }> {
  const read = () => new URL((JSON.parse(fs.readFileSync(ordersApiFile(traceDir), 'utf8')) as { url: string }).url);
  let url = read();
  // node:http with a kept connection rather than fetch: the harness's CPU per order is what this is
  // for, and fetch cost 0.26-0.36 ms of CPU per call here against 0.10-0.12 (client and server together).
  const agent = new http.Agent({ keepAlive: true });
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      let reused = false;
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: PATH,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('socket', () => (reused = req.reusedSocket));
      req.on('error', (err: Error) => reject(Object.assign(err, { reused })));
      req.end(body);
    });
  return async (order) => {
    const body = JSON.stringify(order);
    let res: { status: number; text: string };
    let resent = false;
    try {
      res = await post(body);
    } catch (err) {
      const e = err as { code?: string; reused?: boolean };
      if (e.code === 'ECONNREFUSED') url = read();
      // A kept connection that the server (or a crash) closed as the order was written: sent again on
      // a new one. If the first copy did land, the second meets it, and that is this order placed.
      else if (e.code === 'ECONNRESET' && e.reused) resent = true;
      else throw err;
      res = await post(body);
    }
    const answer = JSON.parse(res.text) as {
      error?: string;
      orderId?: string;
      io?: CallTimes;
      contract?: { what: string; issues: string[] };
    };
    if (res.status === 201) return answer.io ? { io: answer.io } : {};
    // The first copy's accept was not this call's: its time is not known here.
    if (res.status === 409 && resent) return {};
    if (res.status === 409) throw new DuplicateOrderError(answer.orderId ?? '');
    // The edge's validation said no: the same error the service's own call would have thrown.
    if (res.status === 400 && answer.contract) throw new ContractError(answer.contract.what, answer.contract.issues);
    throw new Error(`orders API answered ${res.status}: ${answer.error ?? ''}`);
  };
}
