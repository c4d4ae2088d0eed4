import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const DEFAULT_FUNCTION_MEMORY_MB = 256;

export interface ProjectFunctionProps {
  /** The bundled code (`index.mjs` at its root): prebuilt in the package, or bundled at synth. */
  readonly code: lambda.Code;
  /** The export of `index.mjs` Lambda calls. */
  readonly handler: string;
  readonly description: string;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default - none */
  readonly environment?: Record<string, string>;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** How long the function's own log group keeps events. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * A Lambda function of this project: Node.js 24 on arm64, code bundled as `infra/bundling.ts` says, JSON
 * logs in its own log group, and a role that may only write to that log group; callers grant the rest.
 *
 * @example
 * const registrar = new ProjectFunction(this, 'Registrar', {
 *   code: lambda.Code.fromAsset(functionAssetDir('registrar')),
 *   handler: 'onEvent',
 *   description: 'Registers the token hook with Okta',
 *   timeout: Duration.minutes(5),
 *   logRetention: logs.RetentionDays.ONE_MONTH,
 * });
 */
export class ProjectFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new lambda.Function(this, 'Function', {
      code: props.code,
      handler: `index.${props.handler}`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_FUNCTION_MEMORY_MB,
      timeout: props.timeout,
      environment: props.environment,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
  }
}
