import { haPriorityLabel, type PlanInput, planProblems, sortCreditTiers } from '../../server/domain/plan';

const plan = (tiers: PlanInput['sla']['creditTiers'], target = 99.9): PlanInput => ({
  productId: '7',
  name: 'VPS',
  template: 't',
  cluster: 'c',
  vcpus: 1,
  memoryMib: 1024,
  ha: { enabled: true, priority: 50 },
  sla: {
    targetPercent: target,
    creditTiers: tiers,
    unknownCountsAsDown: true,
    contactLossCountsAsDown: false,
    unannouncedAdminStopsExcluded: false,
    timeZone: 'UTC',
  },
  failoverGate: 'enforce',
  diskGib: null,
  osOptions: [],
  ipPools: [],
});

describe('plan rules', () => {
  test('the oVirt UI levels map to labels, nearest level for other numbers', () => {
    expect([0, 1, 25, 26, 50, 75, 76, 100].map(haPriorityLabel)).toEqual([
      'none',
      'low',
      'low',
      'medium',
      'medium',
      'medium',
      'high',
      'high',
    ]);
  });

  test('when tiers give more credit for less uptime and sit at or below the target, then there is no problem', () => {
    expect(
      planProblems(
        plan([
          { belowPercent: 99.9, creditPercent: 5 },
          { belowPercent: 99, creditPercent: 25 },
        ]),
      ),
    ).toEqual([]);
  });

  test('when a tier sits above the target, then that tier is named', () => {
    expect(planProblems(plan([{ belowPercent: 99.95, creditPercent: 5 }]))).toEqual([
      { field: 'sla.credit_tiers.0.below_percent', message: 'must not be above the SLA target of 99.9%' },
    ]);
  });

  test('when a lower uptime would earn a smaller credit, then the tiers are refused', () => {
    const problems = planProblems(
      plan([
        { belowPercent: 99, creditPercent: 5 },
        { belowPercent: 99.9, creditPercent: 10 },
      ]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/below 99% the credit \(5%\) must be at least the credit below 99.9% \(10%\)/);
  });

  test('tiers sort with the highest threshold first', () => {
    expect(
      sortCreditTiers([
        { belowPercent: 99, creditPercent: 20 },
        { belowPercent: 99.9, creditPercent: 5 },
      ]),
    ).toEqual([
      { belowPercent: 99.9, creditPercent: 5 },
      { belowPercent: 99, creditPercent: 20 },
    ]);
  });
});
