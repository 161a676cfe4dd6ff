// The answer webhook's client for the capacity bench, in a process of its own: the load generator's
// event loop (2,000 WebSockets and SSE streams) would otherwise delay reading each response and add
// its own lag to the latency measured. Says it is ready, then for each job over IPC sends the
// requests open-loop and returns each response's status and latency; exits when the parent does.
import { makeAgent, openLoop, type PreparedRequest } from './backend-harness';

export interface ProbeJob {
  url: string;
  requests: PreparedRequest[];
  ratePerSec: number;
}

const agent = makeAgent(64);
process.on('message', (job: ProbeJob) => {
  void openLoop(job.url, job.requests, job.ratePerSec, agent).then((responses) =>
    process.send!(responses),
  );
});
process.on('disconnect', () => {
  agent.destroy();
  process.exit(0);
});
process.send!('ready');
