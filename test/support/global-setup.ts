/** Filled in by the Temporal provisioning work: starts one dev server for the suite. */
export default async function setup(): Promise<void> {}
