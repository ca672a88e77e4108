// The sagabench CLI as the deploy tests run it: the real `main`, in a process of its own.
import { main } from '../../shared/cli/main.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.exitCode = await main(process.argv);
