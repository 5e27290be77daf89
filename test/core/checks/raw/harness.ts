/**
 * Raw-record cases, in the style of panther-analysis: for every check, full redacted CloudTrail records (account
 * 123456789012, IPs from 192.0.2.0/24, example.com hosts) plus the GitLab answers they need, judged through the whole
 * engine: normalizeRecord -> the composition module's engine -> the real GitLab adapter over HTTP -> the local
 * GitLab stand-in. One file per check (`<finding-code-in-kebab-case>.cases.ts`), each with at least one case that
 * raises the check's code and one that does not.
 */
import { DEMO_GITLAB, demoConfig } from '../../../../examples/demo/scenarios';
import { buildEngine } from '../../../../lib/composition';
import { normalizeRecord } from '../../../../lib/core/cloudtrail';
import { parseConfig } from '../../../../lib/core/config';
import type { FindingCode, Verdict, VerdictKind } from '../../../../lib/core/verdict';
import { makeWebIdentityRecord, type WebIdentityRecordOverrides } from '../../../../tools/cloudtrail-records';
import { type StandinData, type StandinFault, startGitLabStandin } from '../../../../tools/gitlab-standin';

export interface RawCase {
  readonly name: string;
  /** The CloudTrail record, as CloudTrail writes it. */
  readonly record: unknown;
  /** What the GitLab stand-in serves (default: the demo's GitLab, examples/demo/scenarios.ts). */
  readonly gitlab?: StandinData;
  /** Failures the stand-in injects. */
  readonly faults?: readonly StandinFault[];
  /** Changes to the demo policy's `prod-deploy` role. */
  readonly prodDeploy?: Readonly<Record<string, unknown>>;
  readonly expect: { readonly verdict: VerdictKind; readonly codes: readonly FindingCode[] };
}

/** A full AssumeRoleWithWebIdentity record on the demo's account, production role and GitLab project. */
export function record(overrides: WebIdentityRecordOverrides): unknown {
  return makeWebIdentityRecord({
    eventTime: '2026-11-20T09:00:05Z',
    roleArn: 'arn:aws:iam::123456789012:role/prod-deploy',
    roleSessionName: 'pipeline-900001',
    subject: 'project_path:acme/platform/deploy:ref_type:branch:ref:main',
    ...overrides,
  });
}

function policy(apiUrl: string, prodDeploy: Readonly<Record<string, unknown>> | undefined) {
  const config = demoConfig(apiUrl);
  const roles = config.productionRoles;
  if (!Array.isArray(roles)) throw new TypeError('demoConfig: productionRoles is not a list');
  return parseConfig(
    {
      ...config,
      // Quick, deterministic failures for the GitLab-unavailable cases.
      trustedIssuers: [{ issuer: 'https://gitlab.com', apiUrl, lookupTimeoutMs: 2000, maxRetries: 0 }],
      productionRoles: roles.map((r: Record<string, unknown>) =>
        r.name === 'prod-deploy' ? { ...r, ...prodDeploy } : r,
      ),
    },
    'raw-record case',
  );
}

/** Judges one case through the whole engine. */
export async function judge(c: RawCase): Promise<Verdict> {
  const standin = await startGitLabStandin({ data: c.gitlab ?? DEMO_GITLAB });
  try {
    for (const fault of c.faults ?? []) standin.addFault(fault);
    const engine = await buildEngine(policy(standin.apiUrl, c.prodDeploy), {
      env: { GITLAB_TOKEN: standin.token },
    });
    const normalized = normalizeRecord(structuredClone(c.record), { source: c.name });
    if (normalized.kind !== 'assumption')
      throw new Error(`${c.name}: not an AssumeRoleWithWebIdentity record`);
    return await engine.evaluator.evaluate(normalized.assumption);
  } finally {
    await standin.close();
  }
}
