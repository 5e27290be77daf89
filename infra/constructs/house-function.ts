import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SubnetType } from 'aws-cdk-lib/aws-ec2';
import type { Config } from '../../lib/core/config';
import { embeddedConfigDefine, LAMBDA_BUNDLE, neverCalledAliasArgs } from '../bundling';
import type { LogRetentionDays } from '../config';
import type { ServiceNetwork } from './service-network';

/** Names every function of the service reports under (Powertools service dimension, log field). */
export const SERVICE_NAME = 'gitlab-oidc-watch';
/** The CloudWatch namespace of the service's custom metrics (Powertools Metrics, EMF). */
export const METRICS_NAMESPACE = 'GitLabOidcWatch';

export interface HouseFunctionProps extends Omit<
  NodejsFunctionProps,
  | 'runtime'
  | 'architecture'
  | 'handler'
  | 'bundling'
  | 'logGroup'
  | 'logRetention'
  | 'tracing'
  | 'role'
  | 'timeout'
  | 'vpc'
  | 'vpcSubnets'
  | 'securityGroups'
> {
  /** The TypeScript module exporting `handler`. */
  readonly entry: string;
  /** Validated at synth, compiled into the bundle: no 4 KB environment limit, no I/O at start-up. */
  readonly config: Config;
  readonly timeout: Duration;
  readonly logRetentionDays: LogRetentionDays;
  /** deployment.vpc.enabled: run in the service network's private subnets (NAT egress with fixed IPs). */
  readonly network?: ServiceNetwork;
}

export function retentionDays(days: LogRetentionDays): RetentionDays {
  const match = Object.values(RetentionDays).find((value) => value === days);
  if (typeof match !== 'number') throw new RangeError(`no RetentionDays member for ${days} days`);
  return match;
}

/**
 * The execution role: writes to its own log group only (no managed policy with logs:* on every log group, which
 * cdk-nag rightly flags as AwsSolutions-IAM4), plus the network-interface actions when the function runs in a VPC.
 */
function executionRole(
  scope: Construct,
  id: string,
  logGroup: LogGroup,
  network: HouseFunctionProps['network'],
): Role {
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${id}: its own log group plus the grants the stack adds`,
  });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );

  if (network !== undefined) {
    // What AWSLambdaVPCAccessExecutionRole grants, inline: Lambda creates and removes the function's network
    // interfaces with the execution role. CDK adds the managed policy only to roles it creates itself.
    // See: https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
  }
  return role;
}

/** esbuild settings shared with the bundle bench (infra/bundling.ts), the validated config compiled in. */
function bundlingOptions(config: Config): NodejsFunctionProps['bundling'] {
  return {
    forceDockerBundling: false,
    minify: LAMBDA_BUNDLE.minify,
    keepNames: LAMBDA_BUNDLE.keepNames,
    sourceMap: true,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    target: LAMBDA_BUNDLE.target,
    format: OutputFormat.CJS,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    bundleAwsSDK: true,
    externalModules: [],
    define: embeddedConfigDefine(config),
    esbuildArgs: neverCalledAliasArgs(),
  };
}

/** cdk-nag acknowledgements every house function carries, each with its reason. */
function acknowledge(fn: NodejsFunction, role: Role, network: HouseFunctionProps['network']): void {
  const runtimeReason =
    'Pinned to nodejs22.x on purpose: the bundle targets node22 and the cold-start benchmark is measured on it; ' +
    'moving to a newer runtime is a tested change, not a side effect of a CDK upgrade. nodejs22.x is supported ' +
    '(https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).';
  Validations.of(fn).acknowledge(
    { id: 'AwsSolutions-L1', reason: runtimeReason },
    { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
      'permissions (https://docs.aws.amazon.com/xray/latest/devguide/security_iam_id-based-policy-examples.html).' +
      (network === undefined
        ? ''
        : ' In a VPC, the ec2 network-interface actions Lambda needs likewise take no resource ARN ' +
          '(https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions).'),
  });
}

/**
 * The one way this project builds a Lambda function (after Powertools' FunctionWithLogGroup): Node.js 22 on arm64,
 * bundled locally with esbuild (minified, source maps, CommonJS), X-Ray active tracing, an explicit log group with a
 * retention period, and a role that can write only to that log group.
 *
 * Bundle format: CommonJS. Several dependencies (pino, gitbeaker's transitive deps) `require()` Node built-ins
 * dynamically; an ESM bundle would need a `createRequire` banner shim to run them, and CommonJS loads at least as fast
 * on Lambda. `mainFields: ['module', 'main']` still lets esbuild tree-shake the AWS SDK's ES modules.
 *
 * AWS SDK: bundled, not taken from the runtime. The handler is tested against the SDK versions pinned in
 * package-lock.json; the runtime's SDK changes under us without a deploy. Bundling only the clients we import and
 * minifying keeps the bundle under the 1.5 MB target (`npm run bench` measures it).
 * See: https://docs.aws.amazon.com/lambda/latest/dg/typescript-package.html
 */
export class HouseFunction extends NodejsFunction {
  public constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const { config, logRetentionDays, environment, network, ...rest } = props;

    // Created before the function so that the role can be scoped to this log group only (no managed policy with
    // logs:* on every log group, which cdk-nag rightly flags as AwsSolutions-IAM4).
    const logGroup = new LogGroup(scope, `${id}LogGroup`, { retention: retentionDays(logRetentionDays) });
    const role = executionRole(scope, id, logGroup, network);

    super(scope, id, {
      memorySize: 512,
      ...rest,
      ...(network === undefined
        ? {}
        : {
            vpc: network.vpc,
            vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [network.securityGroup],
          }),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      timeout: props.timeout,
      // The SDK v3 keeps connections alive by default; the v2-era variable would only be noise.
      awsSdkConnectionReuse: false,
      environment: {
        // Stack traces point at the TypeScript source.
        // See: https://docs.aws.amazon.com/lambda/latest/dg/typescript-exceptions.html
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: 'info',
        ...environment,
      },
      bundling: bundlingOptions(config),
    });

    acknowledge(this, role, network);
  }
}
