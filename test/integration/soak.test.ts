/**
 * Fault soak (bounded): a few thousand CloudTrail events through the bundled correlator on moto while GitLab flaps
 * (5xx, 429 with Retry-After, hung requests) and SNS Publish fails (5xx, throttling, reset connections, outages),
 * with EventBridge duplicates (triple and double deliveries, some concurrent) and malformed events; then GitLab and
 * SNS recover and the scheduled reconcile runs once. Afterwards:
 * - every event was judged (it has a decision history) or sits in the correlator's failure queue;
 * - malformed events left no verdict and no alert;
 * - no alert was published twice, and no published verdict was contradicted except by an explicit update that
 *   refers to the first alert;
 * - once GitLab is back, every event ends at the verdict its pipeline deserves.
 * The figures are printed; the seed (SOAK_SEED) replays a plan.
 */
import { performance } from 'node:perf_hooks';
import { type ServiceHarness, startService } from './support/service';
import { goodPipeline, scenarioConfig, scenarioGitLab } from './support/scenario';
import {
  buildPlan,
  type Delivery,
  gitLabFaultCounts,
  pool,
  seededRandom,
  snsFaults,
  startFlapping,
} from './support/soak';
import { checkSoak, type SoakObservations } from './support/soak-checks';

const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
const EVENTS = 1_500;
const MALFORMED = 60;
const PIPELINES = { first: 70_000, count: 400 };
/**
 * Pipelines start a minute apart over the 400 minutes before the last 20 (main every two minutes, each running
 * 95 s). With jobs that have no timeout (tokens live 5 minutes) a handful of main pipelines can have minted any one
 * token, so each event's candidates (provenance lists whole five-minute windows) stay within the default budget of 10.
 */
const STAGGER_SECONDS = 60;
const FIRST_PIPELINE_AT = Date.now() - 420 * 60_000;
const pipelineStart = (id: number): Date =>
  new Date(FIRST_PIPELINE_AT + (id - PIPELINES.first) * STAGGER_SECONDS * 1_000);
/** The stand-in and the functions share this machine's clock: a small skew keeps neighbouring pipelines apart. */
const PROVENANCE = { clockSkewSeconds: 5, maxTokenLifetimeSeconds: 300 };
const FEED_CONCURRENCY = 16;
const LAMBDA_CONCURRENCY = 6;
/** The SNS outage ends once this many events went to the failure queue. */
const OUTAGE_DEAD_LETTERS = 8;

const random = seededRandom(SEED);
const sns = snsFaults(random, 0.06);
let service: ServiceHarness;

beforeAll(async () => {
  service = await startService({
    config: ({ apiUrl }) =>
      scenarioConfig(apiUrl, { lookupTimeoutMs: 1_200, maxRetries: 2, provenance: PROVENANCE }),
    gitlab: scenarioGitLab(
      PIPELINES.first,
      PIPELINES.count,
      new Date(FIRST_PIPELINE_AT).toISOString(),
      STAGGER_SECONDS,
    ),
    concurrency: LAMBDA_CONCURRENCY,
    retryDelayMs: 150,
    snsFaults: (body) => sns.decide(body),
  });
});

afterAll(async () => {
  await service?.close();
});

interface Outcome {
  readonly delivery: Delivery;
  readonly attempts: number;
  readonly deadLettered: boolean;
  readonly result: unknown;
}

/**
 * Hands the deliveries to the correlator as EventBridge would (asynchronous invocations, several in flight). An SNS
 * outage starts at a quarter of the deliveries and lasts until it has exhausted Lambda's retries for a few events
 * (or half the deliveries are through): progress-driven, so that it bites however fast the machine is.
 */
async function feed(deliveries: readonly Delivery[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const started = performance.now();
  let handed = 0;
  let deadLettered = 0;
  await pool(deliveries, FEED_CONCURRENCY, async (delivery) => {
    handed += 1;
    if (handed === Math.floor(deliveries.length / 4)) sns.outage = true;
    if (sns.outage && (deadLettered >= OUTAGE_DEAD_LETTERS || handed >= deliveries.length / 2))
      sns.outage = false;
    const outcome = await service.correlator.invokeAsync(delivery.event);
    if (outcome.deadLettered) deadLettered += 1;
    outcomes.push({
      delivery,
      attempts: outcome.attempts,
      deadLettered: outcome.deadLettered,
      result: outcome.last.ok ? outcome.last.result : outcome.last.error,
    });
  });
  sns.outage = false;
  console.log(
    `soak: fed ${deliveries.length} deliveries in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return outcomes;
}

describe('fault soak', () => {
  it('judges every event once or dead-letters it, never alerts twice, never contradicts without an update', async () => {
    const started = performance.now();
    const plan = buildPlan(random, {
      events: EVENTS,
      pipelines: PIPELINES,
      tripleShare: 0.15,
      doubleShare: 0.05,
      malformed: MALFORMED,
      pipelineStart,
    });
    service.cloudTrail.add(plan.history);

    const flapping = startFlapping(service.gitlab, [
      { ms: 2_500, fault: 'up' },
      { ms: 900, fault: 503 },
      { ms: 1_500, fault: 'up' },
      { ms: 900, fault: 429 },
      { ms: 1_500, fault: 'up' },
      { ms: 1_300, fault: 'hang' },
      { ms: 1_500, fault: 'up' },
      { ms: 600, fault: 500 },
      { ms: 500, fault: 502 },
    ]);
    let outcomes: Outcome[];
    try {
      outcomes = await feed(plan.deliveries);
    } finally {
      flapping.stop();
    }
    const gitLabFaults = gitLabFaultCounts(service.gitlab);
    const dlqBeforeReconcile = await service.deadLetters('correlator');
    const historyBeforeReconcile = await service.decisionObjects();

    // GitLab and SNS are back: the scheduled reconciliation runs once.
    sns.enabled = false;
    const reconcile = service.reconcile;
    if (reconcile === undefined) throw new Error('the stack has no reconcile function');
    const reconciled = await reconcile.invoke({
      version: '0',
      id: 'soak-reconcile',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {},
    });

    const observations: SoakObservations = {
      plan,
      expectedVerdict: (pipelineId) => (goodPipeline(pipelineId) ? 'ok' : 'alert'),
      outcomes,
      deadLetters: dlqBeforeReconcile,
      historyBeforeReconcile,
      history: await service.decisionObjects(),
      reconcile: reconciled,
      sqs: await service.sqsAlerts(),
      http: service.http.deliveries,
      https: service.https.deliveries,
    };
    const report = checkSoak(observations);
    const figures = {
      seed: SEED,
      events: plan.records.length,
      deliveries: plan.deliveries.length,
      duplicates: plan.duplicates,
      tripleDelivered: plan.triples,
      malformed: MALFORMED,
      gitLabRequests: service.gitlab.requests.length,
      gitLabFaults,
      snsFaults: { ...sns.injected },
      lambdaInvocations: service.correlator.stats.invocations,
      lambdaErrors: service.correlator.stats.errors,
      lambdaTimeouts: service.correlator.stats.timeouts,
      ...report.figures,
      durationSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
    console.log(`fault soak figures:\n${JSON.stringify(figures, null, 2)}`);
    expect(report.violations).toEqual([]);
    // The soak must have exercised what it claims to.
    expect(Object.keys(gitLabFaults).sort()).toEqual(['429', '500', '502', '503', 'hang']);
    expect(Object.values(sns.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(report.figures.deadLettered).toBeGreaterThan(0);
    // Failure records name the error class as written in the source, not as a minifier renamed it (issue 9).
    for (const errorType of Object.keys(report.figures.deadLetterErrorTypes)) {
      expect(errorType).toMatch(/^(?:[A-Z][A-Za-z]*Error|Sandbox\.Timedout)$/);
    }
  }, 900_000);
});
