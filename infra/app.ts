import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentConfigError, UnknownEnvironmentError, loadEnvironment, type EnvironmentConfig } from './config.js';
import { OktaTokenHookStack, stackNameFor } from './okta-token-hook-stack.js';

// `npx cdk synth|deploy|destroy -c env=NAME`: one stack, the environment NAME of cdk.json.
const app = new App();

let environment: EnvironmentConfig;
try {
  environment = loadEnvironment({ environments: app.node.tryGetContext('environments') }, app.node.tryGetContext('env'));
} catch (error) {
  if (!(error instanceof UnknownEnvironmentError || error instanceof EnvironmentConfigError)) throw error;
  // A config mistake is the user's to fix: say what, without a stack trace.
  console.error(error.message);
  process.exit(1);
}

new OktaTokenHookStack(app, stackNameFor(environment.name), { environment });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
