import { planMissing } from '../../subgraphs/council/features/plans';
import { nextCaseReviewDue, reviewOverdue } from '../../subgraphs/council/features/reviews';

describe('missing plan flag', () => {
  const open = (risk: 'LOW' | 'MEDIUM' | 'HIGH' | 'VERY_HIGH') => ({ status: 'OPEN', risk_level: risk });
  const today = '2026-11-27';

  it('flags HIGH and VERY_HIGH cases with no plan, only a draft, or a lapsed approved plan', () => {
    expect(planMissing(open('HIGH'), null, today)).toBe(true);
    expect(planMissing(open('VERY_HIGH'), { status: 'DRAFT', review_date: '2027-01-01' }, today)).toBe(true);
    expect(planMissing(open('HIGH'), { status: 'APPROVED', review_date: '2026-11-26' }, today)).toBe(true);
  });

  it('does not flag an approved plan reviewed today or later, lower risk, or a case no longer open', () => {
    expect(planMissing(open('HIGH'), { status: 'APPROVED', review_date: today }, today)).toBe(false);
    expect(planMissing(open('MEDIUM'), null, today)).toBe(false);
    expect(planMissing(open('LOW'), null, today)).toBe(false);
    expect(planMissing({ status: 'TRANSFERRED_OUT', risk_level: 'VERY_HIGH' }, null, today)).toBe(false);
  });
});

describe('case review rhythm', () => {
  const held = (heldOn: string, next: string) => ({ status: 'HELD' as const, scheduled_for: null, held_on: heldOn, next_review_date: next });
  const scheduled = (on: string) => ({ status: 'SCHEDULED' as const, scheduled_for: on, held_on: null, next_review_date: null });

  it('is due 6 months after the start when no review was held or scheduled', () => {
    expect(nextCaseReviewDue('2026-03-31', [])).toBe('2026-09-30');
  });

  it('is due on the next date set at the latest review held, whatever order the rows come in', () => {
    expect(nextCaseReviewDue('2025-01-10', [held('2026-01-12', '2026-07-12'), held('2025-07-11', '2026-01-11')])).toBe('2026-07-12');
  });

  it('is due on the scheduled date when a review is scheduled', () => {
    expect(nextCaseReviewDue('2025-01-10', [held('2026-01-12', '2026-07-12'), scheduled('2026-08-01')])).toBe('2026-08-01');
  });

  it('is overdue only for an open case whose due date has passed', () => {
    expect(reviewOverdue({ status: 'OPEN', start_date: '2026-05-26' }, [], '2026-11-27')).toBe(true);
    expect(reviewOverdue({ status: 'OPEN', start_date: '2026-05-27' }, [], '2026-11-27')).toBe(false);
    expect(reviewOverdue({ status: 'OPEN', start_date: '2025-01-01' }, [scheduled('2026-11-26')], '2026-11-27')).toBe(true);
    expect(reviewOverdue({ status: 'CLOSED', start_date: '2025-01-01' }, [], '2026-11-27')).toBe(false);
  });
});
