import { createAwsClients } from '../shared/aws/clients.ts';
import { readState } from '../infra/local/state.ts';
import { probeStepFunctions } from '../infra/local/probes/stepfunctions.ts';
const s = readState('default')!;
const c = createAwsClients({ kind: 'local', endpoints: s.moto.endpoints });
for (let i = 0; i < 3; i++) {
  const r = await probeStepFunctions(c);
  console.log(r.tasksHandled, r.staleTokens, r.happy.status, r.transient.status, r.permanent.status, JSON.stringify(r.transient.output), r.transient.statesEntered.join('>'));
}
c.destroy();
