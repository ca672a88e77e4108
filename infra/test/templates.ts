// Reading synthesized CloudFormation templates in tests: resources by type,
// references back to logical ids, and a role's policy statements.

export type Json = Record<string, unknown>;
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Json; DependsOn?: unknown }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export function resourcesOf(t: CfnTemplate, type: string): [string, Json][] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** The logical id a Ref or Fn::GetAtt points at. */
export function refId(v: unknown): string | undefined {
  if (v && typeof v === 'object') {
    const o = v as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    if (o.Ref) return o.Ref;
    if (o['Fn::GetAtt']) return o['Fn::GetAtt'][0];
  }
  return undefined;
}

/**
 * A table's name from a reference in a consumer stack: a weak reference
 * (Fn::GetStackOutput) or an export (Fn::ImportValue) resolved through the data
 * stack's outputs to the table resource.
 */
export function tableNameOf(data: CfnTemplate, ref: unknown): string | undefined {
  const o = ref as { 'Fn::GetStackOutput'?: { OutputName: string }; 'Fn::ImportValue'?: string };
  let value: unknown;
  if (o?.['Fn::GetStackOutput']) value = data.Outputs?.[o['Fn::GetStackOutput'].OutputName]?.Value;
  else if (o?.['Fn::ImportValue'])
    value = Object.values(data.Outputs ?? {}).find((out) => out.Export?.Name === o['Fn::ImportValue'])?.Value;
  const id = refId(value);
  return id ? (data.Resources[id]?.Properties?.TableName as string | undefined) : undefined;
}

export interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
  Condition?: Json;
}

const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every statement of every AWS::IAM::Policy attached to the role `roleId`. */
export function roleStatements(t: CfnTemplate, roleId: string): Statement[] {
  return resourcesOf(t, 'AWS::IAM::Policy')
    .filter(([, p]) => arr(p.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap(([, p]) => (p.PolicyDocument as { Statement: Json[] }).Statement)
    .map((s) => ({
      Effect: s.Effect as string,
      Action: arr(s.Action as string | string[]),
      Resource: arr(s.Resource),
      ...(s.Condition ? { Condition: s.Condition as Json } : {}),
    }));
}

/** The role of the Lambda function whose Handler ends in `.handlerName` (choreography) or whose description names it. */
export function functionRole(t: CfnTemplate, fnId: string): string {
  const role = refId(t.Resources[fnId]?.Properties?.Role);
  if (!role) throw new Error(`function ${fnId} has no role`);
  return role;
}
