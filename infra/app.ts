import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentConfigError, loadEnvironment, OktaTokenHookPropsError, UnknownEnvironmentError } from 'okta-token-hook';
import { CachedTemplateValidation } from './cached-template-validation.js';
import { OktaTokenHookStack, stackNameFor } from './okta-token-hook-stack.js';

// `npx cdk synth|deploy|destroy -c env=NAME`: one stack, the environment NAME of cdk.json. A consumer of
// the okta-token-hook package like any other: it imports the package's public entry only.
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
// CDK's built-in CloudFormation validation, with its report kept per template (`CDK_VALIDATION=false`
// turns it off, as it does the built-in one).
if (process.env['CDK_VALIDATION'] !== 'false') Validations.of(app).addPlugins(new CachedTemplateValidation());
