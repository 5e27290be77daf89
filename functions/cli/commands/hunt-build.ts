/**
 * `oidc-watch hunt`, step two: from a plan to the things that run it. The engine and the publishers come from the
 * composition module (the same wiring as the Lambdas); this file only picks the record source and its AWS clients.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { AthenaQueryRunner } from '../../../lib/adapters/athena';
import { DeploymentSchema } from '../../../lib/core/config';
import {
  buildEngine,
  createPublishers,
  type Engine,
  type Publishers,
  perRegion,
} from '../../../lib/composition';
import { REGION_PATTERN } from '../../../lib/core/aws-names';
import type { Logger } from '../../../lib/core/logger';
import type { RecordSource } from '../../../lib/core/source';
import { filterSource } from '../../../lib/core/source-filter';
import { athenaSource } from '../../../lib/sources/athena';
import { readFiles } from '../../../lib/sources/files';
import { fileWorkers } from '../file-workers';
import { lookupEventsSource } from '../../../lib/sources/lookup-events';
import { resolveInputs } from '../args';
import { loadCliConfig } from '../config';
import type { CliIo } from '../io';
import { stderrLogger } from '../output-options';
import { preflight } from '../self-check';
import { warnMissingToken } from './evaluate';
import type { HuntPlan, ReconcileTarget } from './hunt-plan';

export interface HuntRun {
  readonly engine: Engine;
  readonly source: RecordSource;
  /** With --reconcile: where verdicts are dispatched. */
  readonly publishers: Publishers | null;
  /** deployment.reconcile.unverifiedMaxAgeHours of the config: how long `unverified` events are re-judged. */
  readonly unverifiedMaxAgeHours: number;
  /** The Athena query's id and scan size once it finished (null for other sources or before). */
  athenaReport(): string | null;
}

function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region && REGION_PATTERN.test(region) ? region : undefined;
}

function huntPublishers(target: ReconcileTarget, io: CliIo, logger: Logger): Publishers {
  const topicRegion = regionOfArn(target.alertTopicArn);
  return createPublishers(
    {
      sns: new SNSClient(topicRegion ? { region: topicRegion } : {}),
      s3: new S3Client({ followRegionRedirects: true }),
      dynamodb: () => new DynamoDBClient({}),
    },
    target,
    logger,
  );
}

function huntSource(
  plan: HuntPlan,
  io: CliIo,
  signal: AbortSignal,
  report: (line: string) => void,
): RecordSource {
  const { filters, now } = plan;
  switch (plan.kind) {
    case 'files':
      return filterSource(
        readFiles(resolveInputs(plan.paths, io.cwd), { stdin: io.stdin, workers: fileWorkers(plan.workers) }),
        filters,
      );
    case 'lookup-events':
      return filterSource(
        lookupEventsSource({
          regions: plan.lookupRegions,
          startTime: filters.since ?? now,
          endTime: filters.until ?? now,
          clientFor: perRegion((region) => new CloudTrailClient({ region })),
          signal,
        }),
        // The regions were read as asked; the other filters still apply.
        { ...filters, regions: [] },
      );
    case 'athena': {
      const { workGroup } = plan.athena;
      return athenaSource({
        athena: new AthenaQueryRunner(new AthenaClient(plan.awsRegion ? { region: plan.awsRegion } : {})),
        ...plan.athena,
        since: filters.since ?? now,
        until: filters.until ?? now,
        accounts: filters.accounts,
        regions: filters.regions,
        roles: filters.roles,
        signal,
        onQueryDone: (q) => {
          const mb = q.dataScannedBytes === null ? '?' : (q.dataScannedBytes / 1_048_576).toFixed(1);
          report(`athena: query ${q.queryExecutionId} in workgroup ${workGroup} scanned ${mb} MB\n`);
        },
      });
    }
  }
}

export async function buildHunt(plan: HuntPlan, io: CliIo, signal: AbortSignal): Promise<HuntRun> {
  const logger = stderrLogger(io, plan.output);
  const publishers = plan.reconcile ? huntPublishers(plan.reconcile, io, logger) : null;
  const { config, path } = loadCliConfig(plan.configFlag, io.env, io.cwd);
  if (plan.output.verbose) io.stderr.write(`config: ${path}\n`);
  const { quiet, verbose } = plan.output;
  await preflight(config, io, { skip: !plan.selfCheck, quiet, verbose });
  const engine = await buildEngine(config, {
    env: io.env,
    logger,
    // The self-check already reported an unset variable; without it, say it here.
    onUnsetTokenVariable: quiet || plan.selfCheck ? () => undefined : warnMissingToken(io),
  });
  let athenaReport: string | null = null;
  const source = huntSource(plan, io, signal, (line) => {
    athenaReport = line;
  });
  const { unverifiedMaxAgeHours } = (config.deployment ?? DeploymentSchema.parse({})).reconcile;
  return { engine, source, publishers, unverifiedMaxAgeHours, athenaReport: () => athenaReport };
}
