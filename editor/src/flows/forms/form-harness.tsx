/** Test helper: renders a node form with its data held in state, as the editor does, and records every change. */
import { render } from '@testing-library/react';
import { useState, type ComponentType } from 'react';
import type { Diagnostic } from '../../../../engine/compiler';
import type { Data, NodeFormProps } from './fields';

export function renderForm<P extends NodeFormProps>(
  Form: ComponentType<P>,
  initial: Data,
  extra: Omit<P, keyof NodeFormProps>,
  problems: readonly Diagnostic[] = [],
) {
  const changes: Data[] = [];
  function Harness() {
    const [data, setData] = useState(initial);
    const props = {
      ...extra,
      data,
      problems,
      onChange: (next: Data) => {
        changes.push(next);
        setData(next);
      },
    } as unknown as P;
    return <Form {...props} />;
  }
  const view = render(<Harness />);
  return { ...view, changes, last: () => changes.at(-1) };
}
