import { App } from 'aws-cdk-lib';
import { loadAppConfig, readAppEnvironment } from './app-config';
import { buildApp } from './build-app';

// Entry point of `npm run synth` and of `cdk --app "npx tsx infra/app.ts"`: writes cdk.out/.
// The config file comes from `-c config=<file>`, ALLOY_ROLLOUT_INFRA_CONFIG, or infra/config.example.json.
const context = new App().node.tryGetContext('config') as unknown;
const environment = readAppEnvironment(context);
const { app } = buildApp(loadAppConfig(environment.configFile), {
  outdir: 'cdk.out',
  defaultAccount: environment.defaultAccount,
});
app.synth();
