// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OutcomeList, type RunOutcome } from './OutcomeList';
import { explainOutcome } from './outcomes';

const run = (runId: string, code: string, message: string): RunOutcome => ({
  runId,
  flowId: 'f1',
  flowName: 'Spring campaign',
  createdAt: '2025-03-03T09:05:00Z',
  outcome: { code, message },
});

afterEach(cleanup);

describe('OutcomeList', () => {
  it('explains each run’s outcome in plain words with a badge in a word, the code only as data', () => {
    render(
      <OutcomeList
        runs={[
          run('r1', 'no_consent', 'The email step skipped them: no email consent.'),
          run('r2', 'sent', 'Push sent.'),
          run('r3', 'capped', 'Frequency cap of 2 emails a week reached.'),
        ]}
      />,
    );
    const badge = screen.getByTestId('outcome-r1');
    expect([badge.textContent, badge.dataset['code']]).toEqual(['Nothing sent', 'no_consent']);
    expect(badge.className).toContain('status-skipped');
    expect(screen.getByText('No email consent — the email step skipped them')).toBeTruthy();
    expect(screen.getByText('The email step skipped them: no email consent.')).toBeTruthy();
    expect(screen.getByTestId('outcome-r2').className).toContain('status-sent');
    expect(screen.getByText(/Weekly limit — they already got the most messages/)).toBeTruthy();
    expect(screen.getAllByRole('link', { name: 'Spring campaign' })[0]?.getAttribute('href')).toBe('/runs/r1');
  });

  it('reads an unknown code as the server’s message', () => {
    render(<OutcomeList runs={[run('r9', 'brand_new_reason', 'Something the server explains.')]} />);
    expect(screen.getByTestId('outcome-r9').textContent).toBe('Not yet');
    expect(screen.getByText('Something the server explains.')).toBeTruthy();
  });

  it('says so when the customer was in no run', () => {
    render(<OutcomeList runs={[]} />);
    expect(screen.getByText(/has not been in any run yet/)).toBeTruthy();
  });

  it('has a headline for every outcome code the timeline reports', () => {
    for (const code of [
      'sent',
      'not_in_audience',
      'not_in_segment',
      'no_consent',
      'no_email',
      'suppressed',
      'capped',
      'quiet_hours',
      'left_journey',
      'no_pass',
      'no_wallet_device',
      'unsubscribed',
      'waiting',
      'failed',
      'pending',
      'finished',
      'run_cancelled',
      'run_failed',
      'skipped',
      'holdout',
    ]) {
      expect(explainOutcome(code, 'x').headline).not.toBe('x');
    }
  });
});
