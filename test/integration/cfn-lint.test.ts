/**
 * cfn-lint over every template the app synthesizes: the example config, every option on (emails, Slack, reconcile,
 * Athena, imported secrets, organization bus) and the forwarder stack, in every commercial region. cfn-lint checks
 * resource properties against each region's CloudFormation resource specification, so a property, enum value or
 * resource type that CloudFormation would reject at deploy time fails here. Warnings are printed, errors fail.
 * See: https://github.com/aws-cloudformation/cfn-lint
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { loadSynthConfig } from '../../infra/config';
import {
  CENTRAL_BUS_ARN,
  dispose,
  fullConfigInput,
  ORGANIZATION_ID,
  REPO_ROOT,
  type Synthesized,
  synthConfigOf,
  synthesize,
} from '../infra/support';
import { requireTool } from './support/moto';

/**
 * The commercial (aws partition) regions cfn-lint 1.x knows; GovCloud, China, ISO and the European Sovereign Cloud
 * are other partitions.
 * See: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
const COMMERCIAL_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

const Match = z.object({
  Level: z.enum(['Error', 'Warning', 'Informational']),
  Rule: z.object({ Id: z.string() }),
  Message: z.string(),
  Filename: z.string(),
});
type Match = z.infer<typeof Match>;

let dir: string;
const templates = new Map<string, string>();

function writeTemplates(variant: string, synthesized: Synthesized): void {
  for (const stack of synthesized.assembly.stacks) {
    const file = join(dir, `${variant}-${stack.stackName}.template.json`);
    writeFileSync(file, JSON.stringify(stack.template, null, 1));
    templates.set(`${variant}/${stack.stackName}`, file);
  }
}

beforeAll(() => {
  requireTool('cfn-lint');
  dir = mkdtempSync(join(tmpdir(), 'oidc-watch-cfn-lint-'));
  const variants: Array<[string, () => Synthesized]> = [
    ['example', () => synthesize(loadSynthConfig(join(REPO_ROOT, 'examples', 'oidc-watch.config.yaml')))],
    [
      'full',
      () =>
        synthesize(synthConfigOf(fullConfigInput()), {
          organizationId: ORGANIZATION_ID,
          forwardToBusArn: CENTRAL_BUS_ARN,
        }),
    ],
  ];
  for (const [variant, build] of variants) {
    const synthesized = build();
    try {
      writeTemplates(variant, synthesized);
    } finally {
      dispose(synthesized);
    }
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cfnLint(files: readonly string[]): Match[] {
  const run = spawnSync(
    'cfn-lint',
    ['--format', 'json', '--regions', ...COMMERCIAL_REGIONS, '--', ...files],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // Exit status is a bit mask (2 errors, 4 warnings, 8 informational); 1 means cfn-lint itself failed.
  if (run.error !== undefined || run.status === null || (run.status & 1) === 1) {
    throw new Error(`cfn-lint did not run: ${run.error?.message ?? run.stderr}`);
  }
  return z.array(Match).parse(JSON.parse(run.stdout || '[]'));
}

describe('cfn-lint over the synthesized templates', () => {
  it('synthesizes the example stack, the full stack and the forwarder stack', () => {
    expect([...templates.keys()].sort()).toEqual([
      'example/GitLabOidcWatch',
      'full/GitLabOidcWatch',
      'full/GitLabOidcWatchForwarder',
    ]);
  });

  it('finds no errors in any commercial region', () => {
    const matches = cfnLint([...templates.values()]);
    const describe = (m: Match): string => `${m.Level} ${m.Rule.Id} ${m.Filename}: ${m.Message}`;
    const warnings = matches.filter((m) => m.Level !== 'Error');
    if (warnings.length > 0)
      console.log(`cfn-lint warnings (not failing):\n${warnings.map(describe).join('\n')}`);
    console.log(
      `cfn-lint: ${templates.size} templates, ${COMMERCIAL_REGIONS.length} regions, ` +
        `${matches.length - warnings.length} errors, ${warnings.length} warnings`,
    );
    expect(matches.filter((m) => m.Level === 'Error').map(describe)).toEqual([]);
  });
});
