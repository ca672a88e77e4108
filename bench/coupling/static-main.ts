import { serveJsonChild } from '../../shared/runtime/json-child.ts';
import { componentGraph, type StaticCoupling } from './static.ts';
import type { Variant } from './components.ts';

/** componentGraph in a process of its own: see staticCouplingInChild. */
serveJsonChild<{ variant: Variant }, StaticCoupling>(({ variant }) => componentGraph(variant));
