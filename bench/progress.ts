import cliProgress from 'cli-progress';

export interface Progress {
  start(label: string, total: number): void;
  update(done: number, errors: number): void;
  stop(): void;
  log(line: string): void;
}

/**
 * A live bar per run on a terminal; on anything else (CI logs, pipes) a line at
 * most every few seconds, so a log file stays readable.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  if (quiet) return { start() {}, update() {}, stop() {}, log() {} };
  if (stream.isTTY) {
    const multi = new cliProgress.MultiBar(
      { format: '{label} [{bar}] {value}/{total} | {rate}/s | errors {errors}', hideCursor: true, clearOnComplete: false, stream },
      cliProgress.Presets.shades_classic,
    );
    let bar: cliProgress.SingleBar | undefined;
    let started = 0;
    return {
      start(label, total) {
        started = Date.now();
        bar = multi.create(total, 0, { label: label.padEnd(28), rate: '0.0', errors: 0 });
      },
      update(done, errors) {
        bar?.update(done, { rate: (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1), errors });
      },
      stop() {
        bar?.stop();
      },
      log(line) {
        multi.log(`${line}\n`);
      },
    };
  }
  let label = '';
  let total = 0;
  let started = 0;
  let last = 0;
  return {
    start(l, t) {
      label = l;
      total = t;
      started = Date.now();
      last = 0;
    },
    update(done, errors) {
      if (Date.now() - last < 5000 && done < total) return;
      last = Date.now();
      stream.write(`${label}: ${done}/${total} (${(done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1)}/s, errors ${errors})\n`);
    },
    stop() {},
    log(line) {
      stream.write(`${line}\n`);
    },
  };
}
