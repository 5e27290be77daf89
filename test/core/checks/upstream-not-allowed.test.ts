import { check } from '../../../lib/core/checks/upstream-not-allowed';
import {
  buildCheckContext,
  buildChild,
  buildProvenance,
  buildRole,
  buildUpstream,
} from '../../support/assumptions';

const multiProject = {
  allowedSources: ['parent_pipeline', 'pipeline'] as ('parent_pipeline' | 'pipeline')[],
};

describe('UPSTREAM_NOT_ALLOWED', () => {
  it('reports nothing for a child of a push on main in the same project', () => {
    expect(
      check.evaluate(
        buildCheckContext({ facts: { provenance: buildProvenance({ considered: [buildChild()] }) } }),
      ),
    ).toEqual([]);
  });

  it('alerts when the upstream pipeline ran in a project that is neither pinned nor an allowed upstream', () => {
    const child = buildChild([buildUpstream({ projectId: 777, projectPath: 'mallory/tools' })], 'pipeline');
    const ctx = buildCheckContext({
      role: buildRole({ downstreamPipelines: multiProject }),
      facts: { provenance: buildProvenance({ considered: [child] }) },
    });
    const [f] = check.evaluate(ctx);
    expect(f).toMatchObject({ code: 'UPSTREAM_NOT_ALLOWED', class: 'alert' });
    expect(f?.message).toContain('project 777');
  });

  it('accepts an allowed upstream project whose ref is protected there', () => {
    const link = buildUpstream({ projectId: 777, ref: 'main' });
    const child = buildChild(
      [link],
      'pipeline',
      new Map([[link.id, { status: 'found', value: { name: 'main', protected: true } }]]),
    );
    const ctx = buildCheckContext({
      role: buildRole({ downstreamPipelines: { ...multiProject, upstreamProjectIds: [777] } }),
      facts: { provenance: buildProvenance({ considered: [child] }) },
    });
    expect(check.evaluate(ctx)).toEqual([]);
  });

  it('alerts when an allowed upstream project ran on an unprotected ref', () => {
    const link = buildUpstream({ projectId: 777, ref: 'feature/x' });
    const child = buildChild(
      [link],
      'pipeline',
      new Map([[link.id, { status: 'found', value: { name: 'feature/x', protected: false } }]]),
    );
    const ctx = buildCheckContext({
      role: buildRole({ downstreamPipelines: { ...multiProject, upstreamProjectIds: [777] } }),
      facts: { provenance: buildProvenance({ considered: [child] }) },
    });
    expect(check.evaluate(ctx)[0]?.message).toContain('"feature/x", which is neither allowed nor protected');
  });
});
