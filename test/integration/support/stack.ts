/**
 * The deployed service, as far as its functions see it: the stack is synthesized exactly as `cdk synth` does
 * (test/infra/support.ts: same app, cdk.json context, cdk-nag, NodejsFunction bundling with the stack's esbuild
 * options), and the functions' bundles, environments, timeouts and async-invocation settings are read from the
 * template and the cloud assembly. The resources those environments reference (topic, bucket, table, secrets,
 * failure queues) are then created in moto and the CloudFormation intrinsics resolved to them: a small "deploy"
 * of exactly what the functions touch.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { ConfigInput } from '../../../lib/core/config';
import type { OrganizationOptions } from '../../../infra/config';
import { dispose, type Synthesized, synthConfigOf, synthesize } from '../../infra/support';
import { createBucket, createQueue, createSecret, createTable, createTopic, type Moto } from './moto';

const Resource = z.object({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).optional() });
const Template = z.object({ Resources: z.record(z.string(), Resource) });
type Template = z.infer<typeof Template>;

const LambdaProperties = z.object({
  Code: z.object({ S3Key: z.string().regex(/^[0-9a-f]{64}\.zip$/) }),
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
  Timeout: z.number().int().positive(),
  Handler: z.string(),
});
const InvokeConfigProperties = z.object({
  FunctionName: z.object({ Ref: z.string() }),
  MaximumRetryAttempts: z.number().int().min(0).max(2),
  DestinationConfig: z.object({ OnFailure: z.object({ Destination: z.unknown() }) }),
});

export type FunctionName = 'correlator' | 'reconcile';
const LOGICAL_ID_PREFIX: Record<FunctionName, string> = {
  correlator: 'CorrelatorFunction',
  reconcile: 'ReconcileFunction',
};

export interface FunctionSpec {
  readonly logicalId: string;
  /** The bundled handler module (`index.js` in the function's asset directory). */
  readonly bundle: string;
  /** `index.handler` */
  readonly handler: string;
  /** As in the template: strings or CloudFormation intrinsics. */
  readonly environment: Readonly<Record<string, unknown>>;
  readonly timeoutSeconds: number;
  /** Lambda's asynchronous retries (EventInvokeConfig.MaximumRetryAttempts). */
  readonly maximumRetryAttempts: number;
  /** The on-failure destination, as in the template (usually GetAtt of a queue's Arn). */
  readonly onFailure: unknown;
}

export interface SynthesizedService {
  readonly template: Template;
  readonly functions: Readonly<Partial<Record<FunctionName, FunctionSpec>>>;
  dispose(): void;
}

function functionSpec(template: Template, assemblyDir: string, name: FunctionName): FunctionSpec | undefined {
  const entry = Object.entries(template.Resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(LOGICAL_ID_PREFIX[name]),
  );
  if (entry === undefined) return undefined;
  const [logicalId, resource] = entry;
  const properties = LambdaProperties.parse(resource.Properties);
  const bundle = join(assemblyDir, `asset.${properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js');
  if (!existsSync(bundle)) throw new Error(`${logicalId}: bundle ${bundle} not in the cloud assembly`);
  const invokeConfig = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')
    .map((r) => InvokeConfigProperties.parse(r.Properties))
    .find((p) => p.FunctionName.Ref === logicalId);
  if (invokeConfig === undefined)
    throw new Error(`${logicalId}: no EventInvokeConfig (retries, failure queue)`);
  return {
    logicalId,
    bundle,
    handler: properties.Handler,
    environment: properties.Environment.Variables,
    timeoutSeconds: properties.Timeout,
    maximumRetryAttempts: invokeConfig.MaximumRetryAttempts,
    onFailure: invokeConfig.DestinationConfig.OnFailure.Destination,
  };
}

/** Synthesizes the stack for a config (slow: bundling and cdk-nag; call once per test file). */
export function synthesizeService(
  config: ConfigInput,
  organization: OrganizationOptions = {},
): SynthesizedService {
  let synthesized: Synthesized | undefined = synthesize(synthConfigOf(config), organization);
  const template = Template.parse(synthesized.template.toJSON());
  const dir = synthesized.assembly.directory;
  const correlator = functionSpec(template, dir, 'correlator');
  const reconcile = functionSpec(template, dir, 'reconcile');
  return {
    template,
    functions: { ...(correlator && { correlator }), ...(reconcile && { reconcile }) },
    dispose: () => {
      dispose(synthesized);
      synthesized = undefined;
    },
  };
}

/** Physical values of a created resource: what Ref and GetAtt Arn resolve to. */
export interface Physical {
  readonly ref: string;
  readonly arn: string;
}

export interface DeployOptions {
  /** The value of every secret the stack creates (the GitLab token). */
  readonly secretValue: string;
}

/** Logical ids named by Ref / Fn::GetAtt anywhere in a value. */
function referencedIds(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else referencedIds(v, into);
    }
  }
  return into;
}

async function createPhysical(
  moto: Moto,
  logicalId: string,
  resource: z.infer<typeof Resource>,
  options: DeployOptions,
): Promise<Physical> {
  const name = `oidc-watch-${logicalId.toLowerCase()}`.slice(0, 60);
  switch (resource.Type) {
    case 'AWS::SNS::Topic': {
      const arn = await createTopic(moto, name);
      return { ref: arn, arn };
    }
    case 'AWS::S3::Bucket':
      await createBucket(moto, name);
      return { ref: name, arn: `arn:aws:s3:::${name}` };
    case 'AWS::DynamoDB::Table': {
      const keys = z
        .array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }))
        .parse(resource.Properties?.KeySchema);
      await createTable(moto, name, keys);
      return { ref: name, arn: `arn:aws:dynamodb:us-east-1:123456789012:table/${name}` };
    }
    case 'AWS::SecretsManager::Secret': {
      const arn = await createSecret(moto, name, options.secretValue);
      return { ref: arn, arn };
    }
    case 'AWS::SQS::Queue': {
      const queue = await createQueue(moto, name);
      return { ref: queue.url, arn: queue.arn };
    }
    default:
      throw new Error(
        `${logicalId}: cannot create a ${resource.Type} in moto for the functions' environment`,
      );
  }
}

/** Resolves Ref, Fn::GetAtt (Arn) and Fn::Join against created resources. */
export function resolveIntrinsic(value: unknown, physical: ReadonlyMap<string, Physical>): string {
  if (typeof value === 'string') return value;
  const node = z.record(z.string(), z.unknown()).parse(value);
  const lookup = (id: unknown): Physical => {
    const found = typeof id === 'string' ? physical.get(id) : undefined;
    if (found === undefined) throw new Error(`unresolved reference ${JSON.stringify(id)}`);
    return found;
  };
  if ('Ref' in node) return lookup(node.Ref).ref;
  if ('Fn::GetAtt' in node) {
    const [id] = z.tuple([z.string(), z.literal('Arn')]).parse(node['Fn::GetAtt']);
    return lookup(id).arn;
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = z.tuple([z.string(), z.array(z.unknown())]).parse(node['Fn::Join']);
    return parts.map((part) => resolveIntrinsic(part, physical)).join(separator);
  }
  throw new Error(`unsupported intrinsic ${JSON.stringify(value).slice(0, 200)}`);
}

export interface DeployedFunction {
  readonly spec: FunctionSpec;
  /** The function's environment with every reference resolved to moto's resources. */
  readonly environment: Readonly<Record<string, string>>;
  /** The ARN of the on-failure destination (an SQS queue). */
  readonly onFailureArn: string;
  readonly onFailureQueueUrl: string;
}

export interface DeployedService {
  /** Created resources by logical id. */
  readonly physical: ReadonlyMap<string, Physical>;
  /** The created resource of the only resource of a type whose logical id starts with `prefix`. */
  resource(prefix: string): Physical;
  fn(name: FunctionName): DeployedFunction;
}

/** Creates in moto every resource the synthesized functions reference and resolves their environments. */
export async function deployToMoto(
  moto: Moto,
  service: SynthesizedService,
  options: DeployOptions,
): Promise<DeployedService> {
  const specs = Object.values(service.functions);
  const ids = new Set<string>();
  for (const spec of specs) {
    referencedIds(spec.environment, ids);
    referencedIds(spec.onFailure, ids);
  }
  const physical = new Map<string, Physical>();
  for (const id of ids) {
    const resource = service.template.Resources[id];
    if (resource === undefined) throw new Error(`reference to ${id}, which is not in the template`);
    physical.set(id, await createPhysical(moto, id, resource, options));
  }
  return {
    physical,
    resource(prefix) {
      const matches = [...physical.entries()].filter(([id]) => id.startsWith(prefix));
      const only = matches[0];
      if (matches.length !== 1 || only === undefined) throw new Error(`expected one resource ${prefix}*`);
      return only[1];
    },
    fn(name) {
      const spec = service.functions[name];
      if (spec === undefined)
        throw new Error(`the stack has no ${name} function (is it enabled in the config?)`);
      const environment = Object.fromEntries(
        Object.entries(spec.environment).map(([key, value]) => [key, resolveIntrinsic(value, physical)]),
      );
      const onFailureArn = resolveIntrinsic(spec.onFailure, physical);
      const queue = [...physical.values()].find((p) => p.arn === onFailureArn);
      if (queue === undefined) throw new Error(`${name}: on-failure destination ${onFailureArn} not created`);
      return { spec, environment, onFailureArn, onFailureQueueUrl: queue.ref };
    },
  };
}
