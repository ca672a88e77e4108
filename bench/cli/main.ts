import { Command, CommanderError } from 'commander';
import { registerLocalCommands } from '../../infra/local/cli.ts';
import { registerBenchCommand } from './bench.ts';
import { registerReportCommand } from '../report/cli.ts';
import { registerDeployCommands } from '../../infra/deploy/cli.ts';
import { UserError } from '../../shared/errors.ts';

export function buildProgram(): Command {
  const program = new Command('sagabench')
    .description('One ordering domain, three coordination styles (choreography, Step Functions, Temporal), one benchmark.')
    // The Node that actually runs, and where from: npm may have put the project's own Node 24 first on PATH.
    .version(`sagabench 0.1.0 on Node ${process.version} (${process.execPath})`)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerLocalCommands(program);
  registerBenchCommand(program);
  registerReportCommand(program);
  registerDeployCommands(program);
  return program;
}

/** Exit codes: 0 ok, 1 failure of the environment or run, 2 bad usage or input. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      console.error(`sagabench: ${err.message}`);
      return err.exitCode;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return 1;
  }
}
