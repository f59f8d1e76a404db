/** One measured figure, printed as `name: value unit` and recorded in RESULTS.md. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}
