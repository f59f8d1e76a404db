// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { waitDataSchema } from '../../../engine/compiler';
import { renderForm } from './forms/form-harness';
import { WaitForm } from './forms/WaitForm';

afterEach(cleanup);

const valid = (data: unknown) => waitDataSchema.safeParse(data).success;

describe('WaitForm', () => {
  it('edits a duration: 2 days and 3 hours', () => {
    const form = renderForm(WaitForm, { for: { days: 1 } }, {});
    fireEvent.change(screen.getByLabelText('Days'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('Hours'), { target: { value: '3' } });
    expect(form.last()).toEqual({ for: { days: 2, hours: 3 } });
    expect(valid(form.last())).toBe(true);
  });

  it('switches to waiting for a visit, keeping the duration as the limit', () => {
    const form = renderForm(WaitForm, { for: { days: 7 } }, {});
    fireEvent.click(screen.getByLabelText('Until they visit'));
    expect(form.last()).toEqual({ untilVisit: { days: 7 } });
    expect(valid(form.last())).toBe(true);
    expect(screen.getByText(/continues by “visited”/)).toBeTruthy();
  });

  it('switches to a time of day on chosen weekdays', () => {
    const form = renderForm(WaitForm, { for: { days: 1 } }, {});
    fireEvent.click(screen.getByLabelText('Until a time of day'));
    expect(form.last()).toEqual({ until: { time: '09:00' } });
    fireEvent.change(screen.getByLabelText('Time'), { target: { value: '10:30' } });
    fireEvent.click(screen.getByLabelText('Fri'));
    fireEvent.click(screen.getByLabelText('Mon'));
    expect(form.last()).toEqual({ until: { time: '10:30', weekdays: ['mon', 'fri'] } });
    expect(valid(form.last())).toBe(true);
    fireEvent.click(screen.getByLabelText('Mon'));
    fireEvent.click(screen.getByLabelText('Fri'));
    expect(form.last()).toEqual({ until: { time: '10:30' } });
  });

  it('has exactly one mode after any switch', () => {
    const form = renderForm(WaitForm, { untilVisit: { days: 3 } }, {});
    fireEvent.click(screen.getByLabelText('Until a time of day'));
    fireEvent.click(screen.getByLabelText('For a set time'));
    expect(form.last()).toEqual({ for: { days: 1 } });
    expect(form.changes.every(valid)).toBe(true);
  });

  it('emits no value for an emptied field, so the compiler can say what is missing', () => {
    const form = renderForm(WaitForm, { for: { days: 1 } }, {});
    fireEvent.change(screen.getByLabelText('Days'), { target: { value: '' } });
    expect(form.last()).toEqual({ for: {} });
    expect(valid(form.last())).toBe(false);
  });
});
