// Placeholder until the command lands (see the open issue); exits 2 so nobody mistakes it for working.
export const usage = 'drill (not available yet)';

export async function run(): Promise<number> {
  console.error('drctl drill: not available yet');
  return 2;
}
