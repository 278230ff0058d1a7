import { decide } from './decide.ts';

export const usage =
  'approve <execution> --reason TEXT [--accept-data-loss SECONDS] [--endpoint URL | --target aws]';

export function run(args: string[]): Promise<number> {
  return decide('approve', args);
}
