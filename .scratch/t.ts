import { loadClientConnectConfig } from '@temporalio/envconfig';
console.log(JSON.stringify(loadClientConnectConfig({ overrideEnvVars: {} })));
console.log(JSON.stringify(loadClientConnectConfig({ overrideEnvVars: { TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k' } })));
