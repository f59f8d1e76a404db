// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { NotStartingNote } from './NotStartingNote';

afterEach(cleanup);

describe('NotStartingNote', () => {
  it('says in plain words that customers wait, with the server reason only under Technical details', () => {
    const problem = {
      version: 3,
      message: 'Temporal refused to start the run (Blob data size exceeds limit)',
      failures: 2,
      since: '2026-12-07T09:00:00Z',
      nextTryAt: '2026-12-07T09:05:00Z',
    };
    render(<NotStartingNote problem={problem} />);
    const note = screen.getByRole('alert');
    expect(note.textContent).toContain('Customers are waiting: this flow could not start its messages.');
    const details = note.querySelector('details');
    expect(details?.textContent).toContain('Blob data size exceeds limit');
    // Outside the disclosure, no developer words.
    const outside = (note.textContent ?? '').replace(details?.textContent ?? '', '');
    expect(outside).not.toMatch(/Temporal|workflow/i);
  });

  it('shows nothing while the flow starts normally', () => {
    const { container } = render(<NotStartingNote problem={null} />);
    expect(container.textContent).toBe('');
  });
});
