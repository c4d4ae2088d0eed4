import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from '../bundling.js';

/** `infra/bundling.ts` in NodejsFunction's terms, with esbuild run locally (never Docker). */
export const NODEJS_BUNDLING: BundlingOptions = {
  minify: LAMBDA_BUNDLING.minify,
  sourceMap: LAMBDA_BUNDLING.sourceMap,
  target: LAMBDA_BUNDLING.target,
  format: OutputFormat.ESM,
  externalModules: [...LAMBDA_BUNDLING.externalModules],
  mainFields: [...LAMBDA_BUNDLING.mainFields],
  banner: LAMBDA_BUNDLING.banner,
  forceDockerBundling: false,
};

export const DEFAULT_FUNCTION_MEMORY_MB = 256;

export interface ProjectFunctionProps {
  /** The TypeScript file to bundle. */
  readonly entry: string;
  /** The exported function Lambda calls. */
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
 * A Lambda function of this project: Node.js 24 on arm64, bundled from `infra/bundling.ts`, JSON logs
 * in its own log group, and a role that may only write to that log group; callers grant the rest.
 *
 * @example
 * const registrar = new ProjectFunction(this, 'Registrar', {
 *   entry: 'lambda/registrar/handler.ts',
 *   handler: 'onEvent',
 *   description: 'Registers the token hook with Okta',
 *   timeout: Duration.minutes(5),
 *   logRetention: logs.RetentionDays.ONE_MONTH,
 * });
 */
export class ProjectFunction extends Construct {
  readonly function: NodejsFunction;
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
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler,
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
      bundling: NODEJS_BUNDLING,
    });
  }
}
