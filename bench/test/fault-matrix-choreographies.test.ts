import { FAULT_MATRIX_HALVES, faultMatrix } from './fault-matrix.ts';

faultMatrix(FAULT_MATRIX_HALVES[0]!);
