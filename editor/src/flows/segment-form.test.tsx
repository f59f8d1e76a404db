// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { segmentDataSchema } from '../../../engine/compiler';
import { renderForm } from './forms/form-harness';
import { SegmentForm } from './forms/SegmentForm';

afterEach(cleanup);

const valid = (data: unknown) => segmentDataSchema.safeParse(data).success;
const initial = { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 5 }] };

describe('SegmentForm', () => {
  it('adds a condition and removes one', () => {
    const form = renderForm(SegmentForm, initial, {});
    fireEvent.click(screen.getByRole('button', { name: /Add condition/ }));
    expect(within(screen.getByRole('list', { name: 'Conditions' })).getAllByRole('listitem')).toHaveLength(2);
    expect(form.last()).toEqual({
      match: 'all',
      conditions: [initial.conditions[0], { field: 'stamps', op: 'gte', value: 5 }],
    });
    fireEvent.change(screen.getByLabelText('Condition 2: value'), { target: { value: '8' } });
    fireEvent.click(screen.getByRole('button', { name: 'Remove condition 1' }));
    expect(form.last()).toEqual({ match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 8 }] });
    expect(within(screen.getByRole('list', { name: 'Conditions' })).getAllByRole('listitem')).toHaveLength(1);
    expect(valid(form.last())).toBe(true);
  });

  it('turns a condition into a yes/no one when its field is yes/no', () => {
    const form = renderForm(SegmentForm, initial, {});
    fireEvent.change(screen.getByLabelText('Condition 1: field'), { target: { value: 'emailConsent' } });
    expect(form.last()).toEqual({ match: 'all', conditions: [{ field: 'emailConsent', op: 'eq', value: true }] });
    fireEvent.change(screen.getByLabelText('Condition 1: value'), { target: { value: 'no' } });
    expect(form.last()).toEqual({ match: 'all', conditions: [{ field: 'emailConsent', op: 'eq', value: false }] });
    expect(valid(form.last())).toBe(true);
  });

  it('switches between all and any', () => {
    const form = renderForm(SegmentForm, initial, {});
    fireEvent.change(screen.getByLabelText('Customers match when'), { target: { value: 'any' } });
    expect(form.last()).toEqual({ ...initial, match: 'any' });
  });

  it('shows a condition’s problem under that condition', () => {
    renderForm(SegmentForm, { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: -1 }] }, {}, [
      {
        nodeId: 's',
        field: 'conditions.0.value',
        code: 'invalid_value',
        message: 'Stamps must be a whole number from 0 to 10,000.',
      },
    ]);
    const row = screen.getAllByRole('listitem')[0]!;
    expect(within(row).getByText('Stamps must be a whole number from 0 to 10,000.')).toBeTruthy();
  });

  it('can remove the last condition, which the compiler then asks for', () => {
    const form = renderForm(SegmentForm, initial, {});
    fireEvent.click(screen.getByRole('button', { name: 'Remove condition 1' }));
    expect(form.last()).toEqual({ match: 'all', conditions: [] });
    expect(valid(form.last())).toBe(false);
  });
});
