/**
 * Issue 9 item 8 / issue 12, request budget: a hunt-like run that needs more than GitLab.com's 2,000 requests per
 * minute (every event names another pipeline), against a stand-in that enforces 2,000 per minute per user with 429 and
 * Retry-After. Without a budget GitLab's limit turns lookups into `unverified`; with the default budget (1,800/min per
 * token) the run is paced instead: peak requests per minute at the default and at a high concurrency, and the number
 * of `unverified` verdicts (target 0). Each budgeted run takes about (events - 30) / 30 seconds.
 */
import { buildEngine } from '../lib/composition';
import { normalizeRecord } from '../lib/core/cloudtrail';
import { parseConfig } from '../lib/core/config';
import type { SourceItem } from '../lib/core/source';
import { judgeSource } from '../functions/cli/judge';
import { emptyCounts } from '../functions/cli/output';
import { makeWebIdentityRecord } from '../tools/cloudtrail-records';
import type { StandinData } from '../tools/gitlab-standin';
import { fmt, fromArray, printSection, timed } from './common';
import { startRemoteStandin, type RemoteStandin } from './remote-standin';

const GITLAB_LIMIT_PER_MIN = 2_000;
const EVENTS = Number(process.env.BENCH_BUDGET_EVENTS ?? 2_100);
const HIGH_CONCURRENCY = 64;

export interface BudgetFigures {
  readonly budgetRequestsPerMin: number;
  readonly budgetPeakPerMinDefault: number;
  readonly budgetPeakPerMinHigh: number;
  readonly budgetUnverifiedDefault: number;
  readonly budgetUnverifiedHigh: number;
  readonly noBudgetUnverified: number;
  readonly noBudgetRateLimited: number;
}

function corpus(): { data: StandinData; items: SourceItem[] } {
  const data: StandinData = {
    projects: [{ id: 4242, path_with_namespace: 'acme/deploy', protected_branches: ['main'] }],
    pipelines: [],
  };
  const items: SourceItem[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    data.pipelines.push({ id: 700_000 + i, project_id: 4242, ref: 'main', source: 'push' });
    const raw = makeWebIdentityRecord({
      eventId: `budget-${i}`,
      eventTime: '2026-11-20T12:00:00Z',
      roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
      roleSessionName: `pipeline-${700_000 + i}`,
      subject: 'project_path:acme/deploy:ref_type:branch:ref:main',
    });
    const r = normalizeRecord(raw, { source: 'bench', record: i + 1 });
    if (r.kind !== 'assumption') throw new Error('bench record was skipped');
    items.push({ kind: 'assumption', assumption: r.assumption, source: 'bench', record: i + 1 });
  }
  return { data, items };
}

async function run(
  gitlab: RemoteStandin,
  items: readonly SourceItem[],
  concurrency: number,
  requestsPerMinute: number | undefined,
) {
  await gitlab.reset(GITLAB_LIMIT_PER_MIN);
  const config = parseConfig({
    trustedIssuers: [
      {
        issuer: 'https://gitlab.com',
        apiUrl: gitlab.apiUrl,
        token: { env: 'GITLAB_TOKEN' },
        concurrency,
        ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
      },
    ],
    productionRoles: [
      {
        name: 'prod',
        roleArns: ['arn:aws:iam::*:role/prod-*'],
        allowedProjectIds: [4242],
        allowedAudiences: ['https://gitlab.com'],
      },
    ],
  });
  const engine = await buildEngine(config, { env: { GITLAB_TOKEN: gitlab.token } });
  const counts = emptyCounts();
  const t = await timed(() =>
    judgeSource(
      fromArray(items),
      engine,
      counts,
      { onVerdict: () => undefined, onError: () => undefined },
      64,
    ),
  );
  const seen = await gitlab.requestCount();
  return { ms: t.ms, unverified: counts.verdicts.unverified, ok: counts.verdicts.ok, ...seen };
}

export async function benchBudget(): Promise<BudgetFigures> {
  const { data, items } = corpus();
  const gitlab = await startRemoteStandin(data, 0, GITLAB_LIMIT_PER_MIN);
  try {
    // No budget (a rate far above GitLab's): GitLab's own limit decides.
    const unbudgeted = await run(gitlab, items, HIGH_CONCURRENCY, 1_000_000);
    const atDefault = await run(gitlab, items, 8, undefined);
    const atHigh = await run(gitlab, items, HIGH_CONCURRENCY, undefined);
    const budget = parseConfig({
      trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl: 'https://gitlab.com/api/v4' }],
      productionRoles: [
        { name: 'x', roleArns: ['arn:aws:iam::*:role/x'], allowedProjectIds: [1], allowedAudiences: ['x'] },
      ],
    }).trustedIssuers[0]?.requestsPerMinute;
    const figures: BudgetFigures = {
      budgetRequestsPerMin: budget ?? 0,
      budgetPeakPerMinDefault: atDefault.peakPerMinute,
      budgetPeakPerMinHigh: atHigh.peakPerMinute,
      budgetUnverifiedDefault: atDefault.unverified,
      budgetUnverifiedHigh: atHigh.unverified,
      noBudgetUnverified: unbudgeted.unverified,
      noBudgetRateLimited: unbudgeted.rateLimited,
    };
    const line = (r: Awaited<ReturnType<typeof run>>) =>
      `peak ${fmt(r.peakPerMinute)}/min, ${fmt(r.requests)} requests, ${fmt(r.rateLimited)} answered 429, ${r.ok} ok, ${r.unverified} unverified, ${fmt(r.ms / 1000, 1)} s`;
    printSection(
      `Request budget: ${fmt(EVENTS)} events needing one request each, stand-in enforcing ${fmt(GITLAB_LIMIT_PER_MIN)}/min per user (429 + Retry-After)`,
      [
        { label: 'no budget, concurrency 64 (baseline)', value: line(unbudgeted) },
        {
          label: `budget ${fmt(figures.budgetRequestsPerMin)}/min, concurrency 8 (default)`,
          value: line(atDefault),
          target: `0 unverified, peak < ${fmt(GITLAB_LIMIT_PER_MIN)}/min`,
          meets: atDefault.unverified === 0 && atDefault.peakPerMinute < GITLAB_LIMIT_PER_MIN,
        },
        {
          label: `budget ${fmt(figures.budgetRequestsPerMin)}/min, concurrency ${HIGH_CONCURRENCY}`,
          value: line(atHigh),
          target: `0 unverified, peak < ${fmt(GITLAB_LIMIT_PER_MIN)}/min`,
          meets: atHigh.unverified === 0 && atHigh.peakPerMinute < GITLAB_LIMIT_PER_MIN,
        },
      ],
    );
    return figures;
  } finally {
    await gitlab.close();
  }
}
