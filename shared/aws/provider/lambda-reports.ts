import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

/** One invocation as Lambda's platform reports it at its end. */
export interface LambdaReport {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  /** Present only on a cold start: the time the execution environment took to initialise. */
  initMs?: number;
}

const TEXT_FIELDS = {
  durationMs: /\tDuration: ([\d.]+) ms/,
  billedMs: /\tBilled Duration: (\d+) ms/,
  memoryMb: /\tMemory Size: (\d+) MB/,
  maxMemoryUsedMb: /\tMax Memory Used: (\d+) MB/,
};

/**
 * A REPORT line in either of Lambda's log formats: text (`REPORT RequestId: … Duration: … ms
 * Billed Duration: … ms …`, tab-separated, `Init Duration` only on a cold start) or JSON
 * (`{"type":"platform.report","record":{"requestId":…,"metrics":{…}}}`). Anything else: undefined.
 */
export function parseReportLine(line: string): LambdaReport | undefined {
  const text = line.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    const p = parsed as { type?: string; record?: { requestId?: string; metrics?: Record<string, number> } };
    const m = p.record?.metrics;
    if (p.type !== 'platform.report' || !p.record?.requestId || !m || typeof m.durationMs !== 'number') return undefined;
    return {
      requestId: p.record.requestId,
      durationMs: m.durationMs,
      billedMs: m.billedDurationMs ?? Math.ceil(m.durationMs),
      memoryMb: m.memorySizeMB ?? 0,
      maxMemoryUsedMb: m.maxMemoryUsedMB ?? 0,
      ...(typeof m.initDurationMs === 'number' ? { initMs: m.initDurationMs } : {}),
    };
  }
  const id = /^REPORT RequestId: (\S+)/.exec(text);
  if (!id) return undefined;
  const field = (re: RegExp) => {
    const m = re.exec(`\t${text.slice(id[0].length)}`);
    return m ? Number(m[1]) : undefined;
  };
  const durationMs = field(TEXT_FIELDS.durationMs);
  const billedMs = field(TEXT_FIELDS.billedMs);
  if (durationMs === undefined || billedMs === undefined) return undefined;
  const initMs = field(/\tInit Duration: ([\d.]+) ms/);
  return {
    requestId: id[1]!,
    durationMs,
    billedMs,
    memoryMb: field(TEXT_FIELDS.memoryMb) ?? 0,
    maxMemoryUsedMb: field(TEXT_FIELDS.maxMemoryUsedMb) ?? 0,
    ...(initMs !== undefined ? { initMs } : {}),
  };
}

/** A function's invocations over a window, from its REPORT lines; cold starts apart from warm ones. */
export interface LambdaReportSummary {
  invocations: number;
  durationMsTotal: number;
  billedMsTotal: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  /** Invocations whose REPORT carried an Init Duration, and that time's sum (not in the billed duration of a managed runtime). */
  coldStarts: number;
  initMsTotal: number;
}

export function summarizeReports(reports: readonly LambdaReport[]): LambdaReportSummary {
  // A request id appears once per invocation; a line read twice (overlapping pages or windows) is one invocation.
  const unique = [...new Map(reports.map((r) => [r.requestId, r])).values()];
  const cold = unique.filter((r) => r.initMs !== undefined);
  return {
    invocations: unique.length,
    durationMsTotal: unique.reduce((a, r) => a + r.durationMs, 0),
    billedMsTotal: unique.reduce((a, r) => a + r.billedMs, 0),
    memoryMb: Math.max(0, ...unique.map((r) => r.memoryMb)),
    maxMemoryUsedMb: Math.max(0, ...unique.map((r) => r.maxMemoryUsedMb)),
    coldStarts: cold.length,
    initMsTotal: cold.reduce((a, r) => a + r.initMs!, 0),
  };
}

/**
 * Every REPORT line a function's log group received in [fromMs, toMs], read with
 * FilterLogEvents page by page. The log group is the function's own (the stacks give each
 * function one: GetFunctionConfiguration's LoggingConfig.LogGroup names it). A group that
 * does not exist yet is a function never invoked: no reports.
 */
export async function readLambdaReports(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  window: { fromMs: number; toMs: number },
): Promise<LambdaReport[]> {
  const reports: LambdaReport[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName,
          startTime: window.fromMs,
          endTime: window.toMs,
          // Matches the text format's first word; JSON lines are matched by their type.
          filterPattern: '?REPORT ?"platform.report"',
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const e of page.events ?? []) {
        const r = e.message ? parseReportLine(e.message) : undefined;
        if (r) reports.push(r);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  return reports;
}
