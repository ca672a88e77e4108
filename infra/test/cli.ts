// The sagabench CLI as the deploy tests run it: the real `main`, in a process of its own.
import { main } from '../../bench/cli/main.ts';

process.exitCode = await main(process.argv);
