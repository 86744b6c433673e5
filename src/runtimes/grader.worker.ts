/// <reference lib="webworker" />
// One disposable worker per run (or per resumed run after a timeout): it imports the
// exercise's grader bundle and lets the bundle's harness do everything else.
// Captured before any learner code runs: reassigning `self.postMessage` later cannot cut or
// reroute the harness's channel to the page.
const post = self.postMessage.bind(self);
self.onmessage = async (event: MessageEvent<{ bundleUrl: string; request: unknown }>) => {
  const { bundleUrl, request } = event.data;
  const bundle = (await import(/* @vite-ignore */ bundleUrl)) as {
    start(request: unknown, post: (message: unknown) => void): Promise<void>;
  };
  await bundle.start(request, (message) => post(message));
};
