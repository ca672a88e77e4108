import { describe, expect, it } from 'vitest';
import { summaryText } from '../summary-text.ts';
import { minimalResults } from '../../test/fixtures/report/minimal.ts';

describe('the terminal summary', () => {
  it('names orders whose end was no outcome beside the lost ones, and only when there are some', () => {
    const r = minimalResults({ variants: [{ name: 'temporal', levels: [{ level: 1 }] }, { name: 'lambda-durable', levels: [{ level: 1 }] }] });
    const durable = r.variants.find((v) => v.name === 'lambda-durable')!;
    durable.outcomes = { ...durable.outcomes, completed: durable.outcomes.completed - 2, errors: 2 };
    const lines = summaryText(r).split('\n');
    expect(lines.find((l) => l.startsWith('lambda-durable ') && l.includes('outcomes'))).toMatch(/ \/ 0 lost \/ 2 errors; /);
    expect(lines.find((l) => l.startsWith('temporal ') && l.includes('outcomes'))).toMatch(/ \/ 0 lost; /);
  });
});
