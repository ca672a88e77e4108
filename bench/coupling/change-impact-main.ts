// The change impacts of the variants named in argv, as one JSON array on stdout. A child
// process of its own: the type checker holds the whole project's declarations (over a
// gigabyte), which the harness's process, measured for its memory, must not.
import { runChangeImpacts } from './change-impact.ts';
import { variantNameSchema } from '../../infra/variants.ts';

try {
  const variants = process.argv.slice(2).map((v) => variantNameSchema.parse(v));
  process.stdout.write(`${JSON.stringify(await runChangeImpacts(variants))}\n`);
} catch (err) {
  console.error(`change-impact: ${(err as Error).message}`);
  process.exitCode = 1;
}
