import { createMetrics, createServiceMetrics, NON_PRODUCTION_ROLE } from '../../lib/adapters/metrics';

describe('ServiceMetrics.countVerdict', () => {
  function setUp() {
    const metrics = createMetrics();
    const single = { addDimensions: jest.fn(), addMetric: jest.fn() };
    const singleMetric = jest
      .spyOn(metrics, 'singleMetric')
      .mockReturnValue(single as unknown as ReturnType<typeof metrics.singleMetric>);
    const addMetric = jest.spyOn(metrics, 'addMetric');
    return { service: createServiceMetrics(metrics), single, singleMetric, addMetric };
  }

  it('adds one Assumptions datapoint by production role and verdict for the dashboard', () => {
    const { service, single, addMetric } = setUp();

    service.countVerdict('alert', 'prod-deploy');

    expect(addMetric).toHaveBeenCalledWith('Alert', 'Count', 1);
    expect(single.addDimensions).toHaveBeenCalledWith({ role: 'prod-deploy', verdict: 'alert' });
    expect(single.addMetric).toHaveBeenCalledWith('Assumptions', 'Count', 1);
  });

  it('files records of no production role under one bounded role value', () => {
    const { service, single } = setUp();

    service.countVerdict('ignored', null);

    expect(single.addDimensions).toHaveBeenCalledWith({ role: NON_PRODUCTION_ROLE, verdict: 'ignored' });
  });

  it('adds no per-role datapoint when the caller has no policy to give', () => {
    const { service, singleMetric } = setUp();

    service.countVerdict('ok');

    expect(singleMetric).not.toHaveBeenCalled();
  });
});
