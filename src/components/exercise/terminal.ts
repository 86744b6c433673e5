/**
 * The WebContainer terminal: xterm.js wired to a shell in the exercise's folder (see
 * `terminalTree`). Loaded only when the learner opens it, since xterm is most of its weight.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { Shell, ShellHost, ShellRequest } from '../../runtimes/runtime.ts';

export interface TerminalHandle {
  /** Writes the learner's latest code to `learner.ts` in the shell's folder. */
  updateSource(source: string): Promise<void>;
  focus(): void;
  /** Ends the shell and removes the terminal. */
  dispose(): void;
}

export interface TerminalOptions {
  /** Where the terminal is drawn; emptied first. */
  host: HTMLElement;
  runtime: ShellHost;
  request: Omit<ShellRequest, 'cols' | 'rows'>;
  /** Told when the shell exits by itself (the learner typed `exit`). */
  onExit: (code: number) => void;
}

export async function openTerminal(options: TerminalOptions): Promise<TerminalHandle> {
  const { host } = options;
  host.replaceChildren();
  const style = getComputedStyle(document.documentElement);
  const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const term = new Terminal({
    // xterm's screen-reader mode mirrors the output into a live, readable DOM region.
    screenReaderMode: true,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: 14,
    rows: 16,
    scrollback: 5_000,
    theme: { background: color('--sl-color-black', '#17181c'), foreground: color('--sl-color-white', '#ffffff') },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  fit.fit();
  const textarea = host.querySelector('textarea');
  textarea?.setAttribute('aria-label', `Terminal for the ${options.request.meta.id} exercise (real Node in WebContainer)`);
  term.writeln('Starting a shell in WebContainer…');

  let shell: Shell;
  try {
    shell = await options.runtime.openShell({ ...options.request, cols: term.cols, rows: term.rows });
  } catch (error) {
    term.writeln(`\r\nThe shell could not start: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  term.reset();
  const input = shell.input.getWriter();
  const typing = term.onData((data) => void input.write(data));
  void shell.output.pipeTo(new WritableStream({ write: (chunk) => term.write(chunk) })).catch(() => undefined);
  const resize = new ResizeObserver(() => {
    fit.fit();
    shell.resize({ cols: term.cols, rows: term.rows });
  });
  resize.observe(host);
  let disposed = false;
  void shell.exit.then((code) => {
    if (!disposed) options.onExit(code);
  });

  return {
    updateSource: (source) => shell.updateSource(source),
    focus: () => term.focus(),
    dispose() {
      disposed = true;
      resize.disconnect();
      typing.dispose();
      shell.kill();
      term.dispose();
      host.replaceChildren();
    },
  };
}
