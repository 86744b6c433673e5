import { runSession, type HarnessMessage, type Verdict, type WorkerHandle } from '@baristas/grader';
import { graderUrl, type GradeRequest, type Runtime } from './runtime.ts';

/** Grades in a dedicated Web Worker: always available, no isolation headers needed. */
export class WorkerRuntime implements Runtime {
  readonly name = 'worker' as const;

  async grade(request: GradeRequest): Promise<Verdict> {
    const bundleUrl = graderUrl(`${request.meta.id}.js`);
    return runSession({
      meta: request.meta,
      source: request.source,
      runtime: this.name,
      onTest: request.onTest,
      onProgress: request.onProgress,
      signal: request.signal,
      ...(request.replay !== undefined ? { replay: request.replay } : {}),
      spawn: (harnessRequest) => {
        const worker = new Worker(new URL('./grader.worker.ts', import.meta.url), { type: 'module', name: 'grader' });
        const handle: WorkerHandle = {
          onMessage: (listener) => worker.addEventListener('message', (e: MessageEvent<HarnessMessage>) => listener(e.data)),
          onCrash: (listener) =>
            worker.addEventListener('error', (e) => {
              e.preventDefault();
              listener(e.message || 'the worker failed to start or ran out of memory');
            }),
          terminate: () => worker.terminate(),
        };
        worker.postMessage({ bundleUrl, request: harnessRequest });
        return handle;
      },
    });
  }
}
