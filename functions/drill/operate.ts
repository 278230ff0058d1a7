import { z } from 'zod';
import { parseTaskInput } from '../shared/contracts.ts';
import {
  cleanupInputSchema,
  copyStatusInputSchema,
  createCopyInputSchema,
  DRILL_OPS,
  dataLossInputSchema,
  declareOutageInputSchema,
  drillPreflightInputSchema,
  drillVerifyInputSchema,
  gateInputSchema,
  promoteCopyInputSchema,
  sweepInputSchema,
  verdictInputSchema,
} from '../shared/drill-contracts.ts';
import { cleanup } from './cleanup.ts';
import { copyStatus } from './copy-status.ts';
import { createCopy } from './create-copy.ts';
import { measureDataLoss } from './data-loss.ts';
import { declareOutage } from './declare-outage.ts';
import { switchDrillGate } from './gate.ts';
import type { DrillPorts } from './ports.ts';
import { drillPreflight } from './preflight.ts';
import { promoteCopy } from './promote-copy.ts';
import { sweep } from './sweep.ts';
import { verdict } from './verdict-op.ts';
import { verifyThroughDrillName } from './verify.ts';

const routeSchema = z.object({ op: z.enum(DRILL_OPS) });

/** One drill op: the input is checked against its contract (naming the field), then its core runs. */
export async function runDrillOp(ports: DrillPorts, event: unknown): Promise<unknown> {
  const { op } = parseTaskInput(routeSchema, event, 'drill');
  const what = `drill ${op}`;
  switch (op) {
    case 'preflight':
      return drillPreflight(ports, parseTaskInput(drillPreflightInputSchema, event, what));
    case 'sweep':
      return sweep(ports, parseTaskInput(sweepInputSchema, event, what));
    case 'create-copy':
      return createCopy(ports, parseTaskInput(createCopyInputSchema, event, what));
    case 'copy-status':
      return copyStatus(ports, parseTaskInput(copyStatusInputSchema, event, what));
    case 'declare-outage':
      parseTaskInput(declareOutageInputSchema, event, what);
      return declareOutage(ports);
    case 'promote-copy':
    case 'promote-status':
      return promoteCopy(ports, parseTaskInput(promoteCopyInputSchema, event, what));
    case 'gate':
      return switchDrillGate(ports, parseTaskInput(gateInputSchema, event, what));
    case 'verify':
      parseTaskInput(drillVerifyInputSchema, event, what);
      return verifyThroughDrillName(ports);
    case 'data-loss':
      return measureDataLoss(ports, parseTaskInput(dataLossInputSchema, event, what));
    case 'cleanup':
      return cleanup(ports, parseTaskInput(cleanupInputSchema, event, what));
    case 'verdict':
      return verdict(ports, parseTaskInput(verdictInputSchema, event, what));
  }
}
