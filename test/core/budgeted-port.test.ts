import { budgetedPort } from '../../lib/core/budgeted-port';
import { createEvaluator } from '../../lib/core/correlate';
import {
  buildAssumption,
  buildConfig,
  buildJob,
  buildPipeline,
  buildProject,
  ISSUER,
  PIPELINE_ID,
  PROJECT_ID,
} from '../support/assumptions';
import { FakeGitLab, FakeGitLabDirectory } from '../support/fake-gitlab';

const data = {
  projects: [buildProject()],
  pipelines: [buildPipeline()],
  jobs: { [PIPELINE_ID]: [buildJob()] },
  protectedBranches: { [PROJECT_ID]: ['main'] },
};

describe('budgetedPort', () => {
  it('passes lookups through within the budget and refuses new ones after it, without asking GitLab', async () => {
    let t = 1_000;
    const gitlab = new FakeGitLab(data);
    const port = budgetedPort(gitlab, 500, () => t);
    expect((await port.getProject(PROJECT_ID)).status).toBe('found');
    t = 1_500;
    const late = await port.listProtectedBranches(PROJECT_ID);
    expect(late).toEqual({
      status: 'unavailable',
      detail: "not asked: this assumption's GitLab lookups used up their 500 ms budget",
    });
    expect(gitlab.calls.map((c) => c.method)).toEqual(['getProject']);
  });

  it('makes an evaluation whose rounds outlast the budget unverified, never ok', async () => {
    let t = 0;
    const gitlab = new FakeGitLab(data);
    // Every GitLab answer takes 400 ms of the clock: the third round starts after the 1,000 ms budget.
    const slow = gitlab.failWhen(() => {
      t += 400;
      return null;
    });
    const evaluator = createEvaluator({
      config: buildConfig(),
      gitlab: new FakeGitLabDirectory({ [ISSUER]: slow }),
      lookupBudgetMs: 1_000,
      clock: () => t,
    });
    const v = await evaluator.evaluate(buildAssumption());
    expect(v.verdict).toBe('unverified');
    expect(v.findings.map((f) => f.message).join(' ')).toContain('used up their 1000 ms budget');
    const unbounded = await createEvaluator({
      config: buildConfig(),
      gitlab: new FakeGitLabDirectory({ [ISSUER]: new FakeGitLab(data) }),
    }).evaluate(buildAssumption());
    expect(unbounded.verdict).toBe('ok');
  });
});
