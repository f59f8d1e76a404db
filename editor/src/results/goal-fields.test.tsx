// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { triggerDataSchema } from '../../../engine/compiler';
import { renderForm } from '../flows/forms/form-harness';
import { TriggerForm } from '../flows/forms/TriggerForm';
import { GoalFields, minimumAudience } from './GoalFields';

afterEach(cleanup);

describe('the goal and hold-out in the trigger form', () => {
  it('sets "a stamp within 3 days" and "keep 20% back" into a valid trigger, kept when the kind changes', () => {
    const form = renderForm(TriggerForm, { trigger: 'inactive', days: 30 }, { cards: [] });
    expect((screen.getByLabelText('Share kept back (%)') as HTMLInputElement).value).toBe('10');
    fireEvent.change(screen.getByLabelText('Success is'), { target: { value: 'stamp' } });
    fireEvent.change(screen.getByLabelText('Days to come back'), { target: { value: '3' } });
    fireEvent.change(screen.getByLabelText('Share kept back (%)'), { target: { value: '20' } });
    expect(form.last()).toEqual({ trigger: 'inactive', days: 30, goal: { event: 'stamp', withinDays: 3 }, holdoutPercent: 20 });
    expect(triggerDataSchema.safeParse(form.last()).success).toBe(true);
    fireEvent.change(screen.getByLabelText('Start this flow when'), { target: { value: 'birthday' } });
    expect(form.last()).toMatchObject({ trigger: 'birthday', goal: { event: 'stamp', withinDays: 3 }, holdoutPercent: 20 });
  });

  it('keeps nobody back by default for a broadcast, and says what that means', () => {
    renderForm(TriggerForm, { trigger: 'broadcast' }, { cards: [] });
    expect((screen.getByLabelText('Share kept back (%)') as HTMLInputElement).value).toBe('0');
    expect(screen.getByText(/not whether the flow made the difference/)).toBeTruthy();
  });

  it('warns when the audience is too small for the hold-out to ever show a difference', () => {
    expect(minimumAudience(10)).toBe(300);
    expect(minimumAudience(0)).toBeNull();
    const props = { data: { holdoutPercent: 10 }, set: () => undefined, defaultHoldout: 0, messages: [] };
    render(<GoalFields {...props} audience={120} />);
    expect(screen.getByRole('status').textContent).toMatch(/Only about 120 customers would get this: too few for 10% kept back/);
    cleanup();
    render(<GoalFields {...props} audience={400} />);
    expect(screen.queryByRole('status')).toBeNull();
  });
});
