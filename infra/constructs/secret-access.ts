import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Lets `grantee` read the value of `secret` and nothing else (no DescribeSecret, no other secret). A
 * secret imported by name has no known suffix, so its ARN gets the `-??????` Secrets Manager appends.
 */
export function grantGetSecretValue(grantee: iam.IGrantable, secret: secretsmanager.ISecret): iam.Grant {
  const arn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  return iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [arn] });
}
