import { WebContainer } from '@webcontainer/api';
import type { Verdict } from '@baristas/grader';
import { graderUrl, type GradeRequest, type Runtime, type Shell, type ShellHost, type ShellRequest } from './runtime.ts';
import { PAYLOAD_COMMAND, nestTree, payloadArgs, payloadOutputReader, payloadTree, terminalFolder, terminalTree } from './payload.ts';

/** Boots a WebContainer or rejects with a one-line, classified explanation. */
export async function bootWebContainer(timeoutMs: number): Promise<Runtime> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`WebContainer did not boot within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const container = await Promise.race([WebContainer.boot(), timeout]);
    return new WebContainerRuntime(container);
  } catch (error) {
    throw new Error(classifyBootError(error));
  } finally {
    clearTimeout(timer);
  }
}

export function classifyBootError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/did not boot within/.test(message)) return message;
  if (/SharedArrayBuffer|crossOriginIsolated|cross-origin/i.test(message)) return 'the page is not cross-origin isolated';
  if (/cookie|storage|third[- ]party|iframe/i.test(message)) return 'the browser blocks third-party iframes or cookies that WebContainer needs';
  if (/memory/i.test(message)) return 'the browser ran out of memory starting WebContainer';
  if (/unsupported|not supported/i.test(message)) return 'this browser does not support WebContainer';
  return `WebContainer failed to start: ${message}`;
}

class WebContainerRuntime implements Runtime, ShellHost {
  readonly name = 'webcontainer' as const;
  private readonly files = new Map<string, Promise<string>>();

  constructor(private readonly container: WebContainer) {}

  private text(file: string): Promise<string> {
    if (!this.files.has(file)) this.files.set(file, fetch(graderUrl(file)).then((r) => r.text()));
    return this.files.get(file)!;
  }

  async grade(request: GradeRequest): Promise<Verdict> {
    const [runner, bundle] = await Promise.all([this.text('run.mjs'), this.text(`${request.meta.id}.js`)]);
    await this.container.mount(nestTree(payloadTree({ runner, bundle, source: request.source })));
    const process = await this.container.spawn(PAYLOAD_COMMAND.command, payloadArgs(request.replay));
    const reader = payloadOutputReader((e) => {
      if (e.event === 'test') request.onTest?.(e.result, e.index, e.total);
      else request.onProgress?.(e.progress, e.index, e.total);
    });
    const piped = process.output.pipeTo(new WritableStream({ write: (chunk) => reader.push(chunk) }));
    const onAbort = () => process.kill();
    request.signal?.addEventListener('abort', onAbort);
    await process.exit;
    request.signal?.removeEventListener('abort', onAbort);
    // The output stream may close a moment after the exit; give the last chunk a chance.
    await Promise.race([piped.catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
    if (request.signal?.aborted) throw new Error('the run was cancelled');
    return reader.verdict();
  }

  async openShell(request: ShellRequest): Promise<Shell> {
    const { id } = request.meta;
    const [runner, bundle, examples] = await Promise.all([
      this.text('run.mjs'),
      this.text(`${id}.js`),
      request.examples ? this.text(`${id}.examples.js`) : undefined,
    ]);
    const folder = terminalFolder(id);
    await this.container.fs.mkdir(folder, { recursive: true });
    await this.container.mount(nestTree(terminalTree({ id, runner, bundle, source: request.source, ...(examples === undefined ? {} : { examples }) })), {
      mountPoint: folder,
    });
    const shell = await this.container.spawn('jsh', { cwd: folder, terminal: { cols: request.cols, rows: request.rows } });
    return {
      output: shell.output,
      input: shell.input,
      exit: shell.exit,
      resize: (size) => shell.resize(size),
      updateSource: (source) => this.container.fs.writeFile(`${folder}/learner.ts`, source),
      kill: () => shell.kill(),
    };
  }
}
