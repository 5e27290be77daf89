/**
 * Issue 9, failure 6: severity routing. A subscription filtered to the role's severity (the README suggests
 * `critical`) must see every finding class that should page on that role: probes (failed attempts) and assumptions
 * GitLab could not verify included; `unverified` pages at a configurable level; and the failed-attempt alert says
 * that the call was attempted and denied, not that a pipeline assumed the role.
 */
import type { Config } from '../../lib/core/config';
import { createEvaluator } from '../../lib/core/correlate';
import { renderAttributes, renderChatbot, renderEmail } from '../../lib/core/render/alert';
import {
  buildAssumption,
  buildConfig,
  buildFailedAssumption,
  buildPipeline,
  buildProject,
  ISSUER,
  PROJECT_ID,
} from '../support/assumptions';
import { FakeGitLab, FakeGitLabDirectory } from '../support/fake-gitlab';

function evaluator(config: Config, gitlab = new FakeGitLab({ projects: [buildProject()] })) {
  return createEvaluator({
    config,
    gitlab: new FakeGitLabDirectory({ [ISSUER]: gitlab }),
    now: () => new Date('2025-04-16T03:35:00.000Z'),
  });
}

const outage = () =>
  new FakeGitLab({
    projects: [buildProject()],
    pipelines: [buildPipeline()],
    protectedBranches: { [PROJECT_ID]: ['main'] },
  }).unavailable();

describe('severity routing', () => {
  it('routes a failed attempt (a probe) on a critical role as critical', async () => {
    const v = await evaluator(buildConfig({ severity: 'critical' })).evaluate(buildFailedAssumption());
    expect(v.findings.map((f) => [f.code, f.severity])).toEqual([['ASSUME_ROLE_FAILED', 'critical']]);
    expect(renderAttributes(v).severity).toBe('critical');
  });

  it('routes an assumption GitLab could not verify on a critical role as critical by default', async () => {
    const v = await evaluator(buildConfig({ severity: 'critical' }), outage()).evaluate(buildAssumption());
    expect(v.verdict).toBe('unverified');
    expect(v.severity).toBe('critical');
    expect(new Set(v.findings.map((f) => f.severity))).toEqual(new Set(['critical']));
  });

  it('routes unverified verdicts at the configured unverifiedSeverity', async () => {
    const config = buildConfig({ severity: 'critical', unverifiedSeverity: 'high' });
    const v = await evaluator(config, outage()).evaluate(buildAssumption());
    expect(v).toMatchObject({ verdict: 'unverified', severity: 'high' });
  });

  it('follows a lower role severity too (nothing pages above the role)', async () => {
    const v = await evaluator(buildConfig({ severity: 'medium' })).evaluate(buildFailedAssumption());
    expect(v.severity).toBe('medium');
  });

  it('says a failed attempt was attempted and denied, in every format', async () => {
    const v = await evaluator(buildConfig()).evaluate(buildFailedAssumption());
    for (const text of [renderEmail(v), renderChatbot(v).content.title]) {
      expect(text).toMatch(/attempted.*denied/);
      expect(text).not.toContain('assumed by a pipeline that breaks policy');
    }
  });
});
