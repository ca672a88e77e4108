#!/usr/bin/env node
// The project ships TypeScript sources only; tsx compiles them on load so there
// is no build step between a fresh clone and a working `npx sagabench`.
import { register } from 'tsx/esm/api';

// The pinned AWS SDK supports Node 20; its notice about future releases is noise in every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
