// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { triggerDataSchema } from '../../../engine/compiler';
import { renderForm } from './forms/form-harness';
import { TriggerForm } from './forms/TriggerForm';

afterEach(cleanup);

const CARD = { id: '3f0c2a4e-8b1d-4c5e-9a7f-1b2c3d4e5f60', name: 'Coffee card' };
const valid = (data: unknown) => triggerDataSchema.safeParse(data).success;
const start = () => renderForm(TriggerForm, { trigger: 'broadcast' }, { cards: [CARD] });

describe('TriggerForm', () => {
  it('emits a valid birthday trigger: 3 days before at 10:00, then 5 days before at 08:30', () => {
    const form = start();
    fireEvent.change(screen.getByLabelText('Start this flow when'), { target: { value: 'birthday' } });
    expect(form.last()).toEqual({ trigger: 'birthday', daysBefore: 3, at: '10:00' });
    fireEvent.change(screen.getByLabelText('Days before the birthday'), { target: { value: '5' } });
    fireEvent.change(screen.getByLabelText('At'), { target: { value: '08:30' } });
    expect(form.last()).toEqual({ trigger: 'birthday', daysBefore: 5, at: '08:30' });
    expect(valid(form.last())).toBe(true);
  });

  it('emits a valid inactivity trigger with a card and an exit on a visit', () => {
    const form = start();
    fireEvent.change(screen.getByLabelText('Start this flow when'), { target: { value: 'inactive' } });
    fireEvent.change(screen.getByLabelText('Days without a visit'), { target: { value: '45' } });
    fireEvent.change(screen.getByLabelText('Card'), { target: { value: CARD.id } });
    fireEvent.click(screen.getByLabelText('they visit'));
    expect(form.last()).toEqual({ trigger: 'inactive', days: 45, cardId: CARD.id, exitOn: ['visit'] });
    expect(valid(form.last())).toBe(true);
  });

  it('emits a valid weekly schedule, and a valid cron schedule without the day and time', () => {
    const form = start();
    fireEvent.change(screen.getByLabelText('Start this flow when'), { target: { value: 'schedule' } });
    expect(form.last()).toEqual({ trigger: 'schedule', weekday: 'mon', time: '09:00' });
    fireEvent.change(screen.getByLabelText('Day'), { target: { value: 'fri' } });
    expect(form.last()).toEqual({ trigger: 'schedule', weekday: 'fri', time: '09:00' });
    expect(valid(form.last())).toBe(true);
    fireEvent.click(screen.getByLabelText('Custom timing (advanced)', { selector: 'input[type=radio]' }));
    expect(form.last()).toEqual({ trigger: 'schedule', cron: '0 9 * * 1' });
    expect(valid(form.last())).toBe(true);
  });

  it('keeps the card and exit rules when the kind changes', () => {
    const form = renderForm(
      TriggerForm,
      { trigger: 'birthday', daysBefore: 0, cardId: CARD.id, exitOn: ['reward_redeemed'] },
      { cards: [CARD] },
    );
    fireEvent.change(screen.getByLabelText('Start this flow when'), { target: { value: 'event' } });
    expect(form.last()).toEqual({ trigger: 'event', event: 'joined', cardId: CARD.id, exitOn: ['reward_redeemed'] });
    expect(valid(form.last())).toBe(true);
  });

  it('asks how many days before only for expiring vouchers', () => {
    const form = renderForm(TriggerForm, { trigger: 'event', event: 'joined' }, { cards: [] });
    expect(screen.queryByLabelText('Days before it expires')).toBeNull();
    fireEvent.change(screen.getByLabelText('Event'), { target: { value: 'voucher_expiring' } });
    fireEvent.change(screen.getByLabelText('Days before it expires'), { target: { value: '2' } });
    expect(form.last()).toEqual({ trigger: 'event', event: 'voucher_expiring', daysBefore: 2 });
    expect(valid(form.last())).toBe(true);
  });

  it('offers every trigger kind, each valid as first chosen', () => {
    const form = start();
    for (const kind of ['broadcast', 'birthday', 'inactive', 'event', 'schedule']) {
      fireEvent.change(screen.getByLabelText('Start this flow when'), { target: { value: kind } });
      expect(valid(form.last())).toBe(true);
    }
  });
});
