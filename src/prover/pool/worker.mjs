// Worker-thread entry of ProverPool: loads the TypeScript sources through tsx (a worker does
// not inherit the main thread's loader hooks), then runs proverWorker.ts.
//
// ffjavascript starts its curve threads with the `web-worker` package (1.2.0), which decides at
// load time whether it runs inside one of its own workers by `isMainThread` alone: loaded in any
// other worker thread it hijacks the thread and exports no Worker class, so the curve cannot
// start. Load it here first while `isMainThread` reads true, so it takes its main-thread form;
// its own workers are then recognised as before.
import { createRequire } from 'node:module';
import threads from 'node:worker_threads';
import { register } from 'tsx/esm/api';

const require = createRequire(import.meta.url);
const ffRequire = createRequire(require.resolve('ffjavascript'));
const wasMain = threads.isMainThread;
threads.isMainThread = true;
try {
  ffRequire('web-worker');
} finally {
  threads.isMainThread = wasMain;
}

register();
await import('./proverWorker.ts');
