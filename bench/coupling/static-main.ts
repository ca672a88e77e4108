import { serveJsonChild } from '../../shared/runtime/json-child.ts';
import { componentGraph, type StaticCoupling } from './static.ts';
import type { Variant } from './components.ts';

/** componentGraph of each variant asked for, in a process of its own: see staticCouplingsInChild. */
serveJsonChild<{ variants: Variant[] }, StaticCoupling[]>(({ variants }) => variants.map((v) => componentGraph(v)));
