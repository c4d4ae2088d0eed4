import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentConfigError, UnknownEnvironmentError, loadEnvironment } from './config.js';
import { OktaTokenHookPropsError } from './constructs/okta-token-hook.js';
import { OktaTokenHookStack, stackNameFor } from './okta-token-hook-stack.js';

// `npx cdk synth|deploy|destroy -c env=NAME`: one stack, the environment NAME of cdk.json.
const app = new App();

try {
  const environment = loadEnvironment({ environments: app.node.tryGetContext('environments') }, app.node.tryGetContext('env'));
  new OktaTokenHookStack(app, stackNameFor(environment.name), { environment });
} catch (error) {
  const configMistake =
    error instanceof UnknownEnvironmentError || error instanceof EnvironmentConfigError || error instanceof OktaTokenHookPropsError;
  if (!configMistake) throw error;
  // A config mistake is the user's to fix: say what, without a stack trace.
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
