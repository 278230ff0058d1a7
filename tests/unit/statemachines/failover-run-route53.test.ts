import { describeFailoverRuns } from './support/failover-run-suite.ts';

describeFailoverRuns('simple');
