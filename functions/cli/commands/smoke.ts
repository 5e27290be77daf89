/**
 * `oidc-watch smoke`: puts one synthetic, clearly marked event on the deployed bus and waits for the correlator's
 * answer under smoke/ in the decision-log bucket. Proves bus → rule → function → engine → bucket, and that the
 * function can read a pinned project from every trusted GitLab with its token, without running a pipeline.
 * lib/core/smoke.ts says why such an event can never forge or hide a real verdict.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
// `* as z`, not `{ z }` (see eslint.config.mjs).
import * as z from 'zod';
import { smokeLog } from '../../../lib/composition';
import { SMOKE_DETAIL_TYPE, SMOKE_PREFIX, SMOKE_ROLE_NAME, SMOKE_SOURCE } from '../../../lib/core/smoke';
import { type CliIo, EXIT, UsageError } from '../io';
import { parsePositiveInt } from '../args';

export const SMOKE_HELP = `Usage: oidc-watch smoke --decision-bucket BUCKET [options]

Puts one synthetic event (source ${SMOKE_SOURCE}, detail-type "${SMOKE_DETAIL_TYPE}") on the deployed
event bus and waits until the correlator has judged it and written its answer to s3://BUCKET/${SMOKE_PREFIX}<id>.json.
The answer holds the engine's verdict on a synthetic assumption of role/${SMOKE_ROLE_NAME} (expected: ignored)
and, for each trusted GitLab, whether the function could read a pinned project with its token. Smoke events never
alert and never enter the decision log.

Options:
      --decision-bucket B  the stack's DecisionLogBucketName output (default $DECISION_LOG_BUCKET)
      --event-bus BUS      bus name or ARN (default: the account's default bus; the organization bus also works)
      --region REGION      region of the bus and the stack (default: the AWS SDK's, e.g. $AWS_REGION)
      --timeout SECONDS    how long to wait for the answer (default 90)
      --interval SECONDS   time between two looks at the bucket (default 3)
  -h, --help               this help

Needs events:PutEvents on the bus and s3:GetObject on ${SMOKE_PREFIX}* in the bucket.

Exit status: 0 the answer arrived, the verdict is 'ignored' and every GitLab answered; 1 the answer arrived but a
GitLab could not be read (token not set yet, wrong scope, unreachable) or the smoke role matched a production role;
2 no answer before the timeout, or a usage or AWS error.
`;

const SmokeAnswer = z
  .object({
    kind: z.literal('smoke-test'),
    smokeTestId: z.string(),
    receivedAt: z.string(),
    verdict: z.object({ verdict: z.string(), reason: z.string().nullable() }).loose(),
    gitlab: z.array(
      z.object({
        issuer: z.string(),
        projectId: z.number().nullable(),
        status: z.string(),
        detail: z.string(),
      }),
    ),
  })
  .loose();
type SmokeAnswer = z.output<typeof SmokeAnswer>;

export interface SmokeDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

const realDeps: SmokeDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

function parseSmokeArgs(argv: readonly string[], io: CliIo) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'decision-bucket': { type: 'string' },
      'event-bus': { type: 'string' },
      region: { type: 'string' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const bucket = values['decision-bucket'] ?? io.env.DECISION_LOG_BUCKET;
  return {
    help: values.help === true,
    bucket,
    eventBus: values['event-bus'],
    region: values.region,
    timeoutMs: parsePositiveInt('--timeout', values.timeout, 90) * 1000,
    intervalMs: parsePositiveInt('--interval', values.interval, 3) * 1000,
  };
}

function describeAnswer(answer: SmokeAnswer, elapsedMs: number): { lines: string[]; healthy: boolean } {
  const lines = [
    `answer after ${(elapsedMs / 1000).toFixed(1)} s: verdict ${answer.verdict.verdict}` +
      (answer.verdict.reason ? ` (${answer.verdict.reason})` : ''),
  ];
  let healthy = answer.verdict.verdict === 'ignored';
  if (!healthy)
    lines.push(
      `  the synthetic role ${SMOKE_ROLE_NAME} matched a production role: a roleArns glob is wider than intended`,
    );
  for (const probe of answer.gitlab) {
    const ok = probe.status === 'reachable';
    healthy &&= ok;
    lines.push(
      `  GitLab ${probe.issuer}: ${probe.status}${probe.projectId === null ? '' : ` (project ${probe.projectId})`}: ${probe.detail}`,
    );
  }
  return { lines, healthy };
}

export async function runSmoke(
  argv: readonly string[],
  io: CliIo,
  deps: SmokeDeps = realDeps,
): Promise<number> {
  const args = parseSmokeArgs(argv, io);
  if (args.help) {
    io.stdout.write(SMOKE_HELP);
    return EXIT.clean;
  }
  if (args.bucket === undefined || args.bucket === '')
    throw new UsageError('--decision-bucket is required (the stack output DecisionLogBucketName)');
  const clientConfig = args.region === undefined ? {} : { region: args.region };
  const smokeTestId = randomUUID();
  const put = await new EventBridgeClient(clientConfig).send(
    new PutEventsCommand({
      Entries: [
        {
          Source: SMOKE_SOURCE,
          DetailType: SMOKE_DETAIL_TYPE,
          Detail: JSON.stringify({ smokeTestId, requestedAt: new Date(deps.now()).toISOString() }),
          ...(args.eventBus === undefined ? {} : { EventBusName: args.eventBus }),
        },
      ],
    }),
  );
  const entry = put.Entries?.[0];
  if ((put.FailedEntryCount ?? 0) > 0 || entry?.EventId === undefined) {
    io.stderr.write(
      `oidc-watch: EventBridge refused the smoke event: ${entry?.ErrorCode ?? 'no event id'}: ${entry?.ErrorMessage ?? ''}\n`,
    );
    return EXIT.error;
  }
  io.stdout.write(
    `smoke test ${smokeTestId} put on ${args.eventBus ?? 'the default bus'} (event ${entry.EventId})\n`,
  );

  const log = smokeLog(new S3Client(clientConfig), args.bucket);
  const started = deps.now();
  for (;;) {
    const stored = await log.read(smokeTestId);
    if (stored !== undefined) {
      const answer = SmokeAnswer.safeParse(stored);
      if (!answer.success) {
        io.stderr.write(`oidc-watch: the answer in s3://${args.bucket} is not a smoke result\n`);
        return EXIT.error;
      }
      const { lines, healthy } = describeAnswer(answer.data, deps.now() - started);
      io.stdout.write(`${lines.join('\n')}\n`);
      return healthy ? EXIT.clean : EXIT.findings;
    }
    if (deps.now() - started >= args.timeoutMs) break;
    await deps.sleep(args.intervalMs);
  }
  io.stderr.write(
    `oidc-watch: no answer after ${args.timeoutMs / 1000} s in s3://${args.bucket}/${SMOKE_PREFIX}${smokeTestId}.json. ` +
      'Check: the stack is deployed in this region, the bus is the one its rules listen on, the correlator logs.\n',
  );
  return EXIT.error;
}
