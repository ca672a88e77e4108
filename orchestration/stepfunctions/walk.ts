import type { buildSagaDefinition } from './definition.ts';

type Definition = ReturnType<typeof buildSagaDefinition>;

/** What decided one execution's path: each Task's result, and how many retries each Task took. */
export interface PathDecisions {
  /** Task results by result key (`$.r.<key>`), as the Choice states read them. */
  results: Record<string, Record<string, unknown>>;
  retries?: Record<string, number>;
}

/**
 * State transitions of one execution computed from the definition alone: the
 * way to count them for EXPRESS workflows, which keep no execution history. It
 * follows Next/Choice/Default from StartAt, counting each state entered and each
 * Task retry, exactly as the history-based count does for STANDARD.
 */
export function walkTransitions(definition: Definition, decisions: PathDecisions): number {
  let name: string | undefined = definition.StartAt;
  let transitions = 0;
  const seen = new Map<string, number>();
  while (name) {
    const state = definition.States[name] as {
      Type: string;
      Next?: string;
      Choices?: Record<string, unknown>[];
      Default?: string;
      ResultPath?: string;
    };
    if (!state) throw new Error(`definition has no state ${name}`);
    seen.set(name, (seen.get(name) ?? 0) + 1);
    if ((seen.get(name) ?? 0) > 100) throw new Error(`loop at ${name}`);
    transitions++;
    if (state.Type === 'Task') transitions += decisions.retries?.[name] ?? 0;
    if (state.Type === 'Succeed' || state.Type === 'Fail') break;
    if (state.Type === 'Choice') {
      const match = state.Choices?.find((c) => {
        const path = String(c.Variable)
          .replace(/^\$\.r\./, '')
          .split('.');
        const value = decisions.results[path[0]!]?.[path[1]!];
        return 'StringEquals' in c ? value === c.StringEquals : value === c.BooleanEquals;
      });
      name = (match?.Next as string | undefined) ?? state.Default;
      continue;
    }
    name = state.Next;
  }
  return transitions;
}
