import { describe, expect, it } from 'vitest';
import { runCli } from '../../../shared/engines/test/cli-run.ts';

describe('sagabench CLI usage', () => {
  const commands = [[], ['local'], ['local', 'install'], ['local', 'up'], ['local', 'down'], ['local', 'status'], ['local', 'smoke']];

  it.each(commands.map((c) => [c.join(' ') || '(no command)', c] as const))('prints help for %s with exit 0', async (_name, cmd) => {
    const r = await runCli([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: sagabench${cmd.length ? ` ${cmd.join(' ')}` : ''} `, 'm'));
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['local', 'sideways'], /unknown command 'sideways'/],
    [['local', 'up', '--bogus'], /unknown option '--bogus'/],
    [['local', 'up', '--moto-port', 'abc'], /--moto-port.*'abc' is not an integer/],
    [['local', 'up', '--temporal-port', '70000'], /--temporal-port.*outside 1\.\.65535/],
    [['local', 'up', '--moto-port', '5999'], /--moto-port.*port 6000 \(of 5999\.\.6001\) is one that fetch refuses/],
    [['local', 'up', '--moto-layout', 'triple'], /--moto-layout.*triple/],
    [['local', 'down', '--instance', 'Bad Name'], /--instance.*lowercase/],
    [['local', 'smoke', '--concurrency', '0'], /--concurrency.*outside 1\.\.200/],
  ])('rejects %j with a usage error and exit 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each(['5', '301', '12.5', 'soon'])('refuses SAGABENCH_REDELIVERY_SECONDS=%s before any command starts: exit 2', async (value) => {
    const r = await runCli(['local', 'status', '--instance', 'redelivery-refused'], { SAGABENCH_REDELIVERY_SECONDS: value });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sagabench: SAGABENCH_REDELIVERY_SECONDS=${value}: expected whole seconds from 10 to 300 (unset: 30)\n`);
    expect(r.stdout).toBe('');
  });

  it('prints usage and exits 2 when called with no command', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Usage: sagabench/m);
  });
});
