import { decide } from './decide.ts';

export const usage = 'deny <execution> --reason TEXT [--endpoint URL | --target aws]';

export function run(args: string[]): Promise<number> {
  return decide('deny', args);
}
