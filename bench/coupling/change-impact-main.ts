// The change impacts of the variants asked for, in a child process of its own: the type
// checker holds the whole project's declarations (over a gigabyte), which the harness's
// process, measured for its memory, must not.
import { z } from 'zod';
import { runChangeImpacts } from './change-impact.ts';
import { variantNameSchema } from '../../infra/variants.ts';
import { serveJsonChild } from '../../shared/runtime/json-child.ts';

serveJsonChild((input: unknown) => runChangeImpacts(z.object({ variants: z.array(variantNameSchema) }).parse(input).variants));
