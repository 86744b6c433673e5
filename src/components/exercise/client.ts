/**
 * The interactive half of <Exercise>: lazy editor, drafts in IndexedDB, Run, results.
 * The page ships only this small module; Monaco arrives when the learner starts editing.
 */
import { del, get, set } from 'idb-keyval';
import { draftKey, isPassed, markPassed } from '../../progress/store.ts';
import type { ExerciseMeta, TestResult, Verdict } from '@baristas/grader';
import { describeRuntime, runtimes, type RuntimeStatus } from '../../runtimes/select.ts';
import { webContainerMode } from '../../runtimes/webcontainer-plan.ts';
import { canOpenShell, graderUrl } from '../../runtimes/runtime.ts';
import type { EditorHandle } from './editor.ts';
import type { TerminalHandle } from './terminal.ts';

interface Payload {
  meta: Pick<ExerciseMeta, 'id' | 'budgets'>;
  starter: string;
  /** Whether the exercise has visible example tests for the terminal. */
  examples: boolean;
}

const SAVE_DELAY_MS = 400;

export function mountExercises(): void {
  // Every exercise carries the build's WebContainer setting; the page has one runtime for all.
  const first = document.querySelector<HTMLElement>('[data-exercise]');
  if (first) runtimes.start(webContainerMode(first.dataset.webcontainer));
  for (const root of document.querySelectorAll<HTMLElement>('[data-exercise]')) {
    if (root.dataset.mounted) continue;
    root.dataset.mounted = 'true';
    void mount(root);
  }
}

async function mount(root: HTMLElement): Promise<void> {
  const $ = <T extends HTMLElement>(role: string) => root.querySelector<T>(`[data-role="${role}"]`)!;
  const payload = JSON.parse($('payload').textContent!) as Payload;
  const { meta, starter, examples } = payload;
  const staticCode = $('static');
  const editorHost = $('editor');
  const loading = $('loading');
  const status = $('status');
  const diagnostics = $('diagnostics');
  const runButton = root.querySelector<HTMLButtonElement>('[data-action="run"]')!;
  const resetButton = root.querySelector<HTMLButtonElement>('[data-action="reset"]')!;
  const editButton = root.querySelector<HTMLButtonElement>('[data-action="edit"]')!;
  const solutionButton = root.querySelector<HTMLButtonElement>('[data-action="solution"]');
  const downloadButton = root.querySelector<HTMLButtonElement>('[data-action="download"]')!;
  const runtimeLabel = $('runtime');
  // Only in `ask` builds: choosing WebContainer, and taking the choice back.
  const useWebContainerButton = root.querySelector<HTMLButtonElement>('[data-action="use-webcontainer"]');
  const useWorkerButton = root.querySelector<HTMLButtonElement>('[data-action="use-worker"]');
  const cancelButton = root.querySelector<HTMLButtonElement>('[data-action="cancel"]')!;
  const progress = $('progress');
  const progressBar = $<HTMLProgressElement>('progress-bar');
  const progressText = $('progress-text');
  const terminalButton = root.querySelector<HTMLButtonElement>('[data-action="terminal"]')!;
  const terminalPanel = $('terminal-panel');

  let text = starter;
  let editor: EditorHandle | undefined;
  let opening: Promise<EditorHandle> | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let controller: AbortController | undefined;
  // Replays must rerun the code that produced the failure, not whatever the editor holds now.
  let gradedSource: string | undefined;

  const save = (): void => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    if (text === starter) void del(draftKey(meta.id));
    else void set(draftKey(meta.id), text);
  };
  const scheduleSave = (): void => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, SAVE_DELAY_MS);
  };
  // A keystroke made just before closing the tab must not be lost to the debounce.
  addEventListener('pagehide', () => saveTimer !== undefined && save());
  document.addEventListener('visibilitychange', () => document.hidden && saveTimer !== undefined && save());

  const openEditor = (focus: boolean): Promise<EditorHandle> => {
    opening ??= (async () => {
      loading.hidden = false;
      const { createEditor } = await import('./editor.ts');
      editorHost.hidden = false;
      const handle = await createEditor(editorHost, {
        exerciseId: meta.id,
        value: text,
        ariaLabel: `Code for the ${meta.id} exercise`,
        onChange: (value) => {
          text = value;
          scheduleSave();
        },
        onRun: () => void run(),
        onDiagnostics: (errors) => {
          diagnostics.hidden = errors.length === 0;
          root.dataset.typeErrors = String(errors.length);
          const first = errors[0];
          diagnostics.textContent = first
            ? `TypeScript: ${errors.length} problem${errors.length === 1 ? '' : 's'} — line ${first.line}: ${first.message}`
            : '';
        },
      });
      staticCode.hidden = true;
      loading.hidden = true;
      editButton.hidden = true;
      editor = handle;
      root.dataset.editor = 'ready';
      return handle;
    })();
    return opening.then((handle) => {
      if (focus) handle.focus();
      return handle;
    });
  };

  const draft = await get<string>(draftKey(meta.id));
  if (typeof draft === 'string' && draft !== starter) {
    text = draft;
    status.textContent = 'Your draft was restored.';
    void openEditor(false);
  }

  staticCode.addEventListener('click', () => void openEditor(true));
  editButton.addEventListener('click', () => void openEditor(true));
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
    }
  });
  runButton.addEventListener('click', () => void run());
  cancelButton.addEventListener('click', () => controller?.abort());
  resetButton.addEventListener('click', () => {
    if (text === starter) return;
    if (editor) editor.replaceAll(starter); // undoable in the editor with Ctrl+Z
    text = starter;
    save();
    status.textContent = editor ? 'Reset to the starter code (Ctrl+Z undoes it).' : 'Reset to the starter code.';
  });

  if (await isPassed(meta.id)) showPassed(root);

  let terminal: Promise<TerminalHandle> | undefined;
  const closeTerminal = (): void => {
    void terminal?.then((t) => t.dispose(), () => undefined);
    terminal = undefined;
    terminalPanel.hidden = true;
    terminalButton.setAttribute('aria-expanded', 'false');
    terminalButton.textContent = 'Terminal';
  };
  terminalButton.addEventListener('click', () => {
    if (terminal) return closeTerminal();
    const runtime = runtimes.current();
    if (!canOpenShell(runtime)) return;
    terminalPanel.hidden = false;
    terminalButton.setAttribute('aria-expanded', 'true');
    terminalButton.textContent = 'Close terminal';
    const opened = (terminal = import('./terminal.ts').then(({ openTerminal }) =>
      openTerminal({
        host: $('terminal'),
        runtime,
        request: { meta, examples, source: editor ? editor.getValue() : text },
        onExit: () => {
          if (terminal === opened) closeTerminal();
          status.textContent = 'The shell ended; Terminal opens a new one.';
        },
      }),
    ));
    opened.then(
      (t) => t.focus(),
      (error: unknown) => {
        status.textContent = `The terminal could not start: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  });

  // Set when the learner chose WebContainer here: this exercise's status line then says how it went.
  let awaitingBoot = false;
  runtimes.watch((s) => {
    const { label, detail } = describeRuntime(s);
    runtimeLabel.textContent = label;
    runtimeLabel.title = detail;
    runtimeLabel.setAttribute('aria-label', `${label}. ${detail}`);
    root.dataset.runtime = s.state;
    if (useWebContainerButton) useWebContainerButton.hidden = s.state !== 'offered';
    if (useWorkerButton) useWorkerButton.hidden = !('chosen' in s && s.chosen);
    // The terminal needs real Node: offered only once WebContainer is the runtime.
    terminalButton.hidden = !(s.state === 'webcontainer' && canOpenShell(runtimes.current()));
    if (s.state !== 'webcontainer' && terminal) closeTerminal();
    const outcome = awaitingBoot ? bootOutcome(s) : undefined;
    if (outcome !== undefined) {
      awaitingBoot = false;
      // A running grade owns the status line; the indicator still shows the outcome.
      if (!running) status.textContent = outcome;
    }
  });
  useWebContainerButton?.addEventListener('click', () => {
    // The button hides itself; keep keyboard focus on the indicator, which states the outcome.
    runtimeLabel.focus();
    status.textContent = 'Starting WebContainer (real Node) from stackblitz.com; the browser worker grades until it is ready. This browser remembers the choice.';
    awaitingBoot = true;
    runtimes.accept();
  });
  useWorkerButton?.addEventListener('click', () => {
    runtimeLabel.focus();
    awaitingBoot = false;
    const loaded = runtimes.withdraw();
    status.textContent = `Runs use the browser worker; this browser no longer remembers the choice.${loaded ? ' Reload the page to unload WebContainer.' : ''}`;
  });

  downloadButton.addEventListener('click', () => {
    // The learner's file exactly as it is now, named so `npm run grade` takes it as is.
    const blob = new Blob([editor ? editor.getValue() : text], { type: 'text/typescript' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${meta.id}.ts`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    status.textContent = `Downloaded ${meta.id}.ts. Grade it from a terminal with: npm run grade -- ${meta.id} ${meta.id}.ts`;
  });

  solutionButton?.addEventListener('click', async () => {
    const panel = $('solution');
    if (!panel.hidden) {
      panel.hidden = true;
      solutionButton.setAttribute('aria-expanded', 'false');
      solutionButton.textContent = 'Solution';
      return;
    }
    if (!confirm('Show the reference solution? Your own code stays as it is. The hints and the failing tests teach more: consider them first.')) return;
    const code = $('solution-code');
    if (!code.textContent) {
      try {
        const response = await fetch(graderUrl(`solutions/${meta.id}.ts.txt`));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        code.textContent = await response.text();
      } catch (error) {
        status.textContent = `The solution could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
        return;
      }
    }
    panel.hidden = false;
    solutionButton.setAttribute('aria-expanded', 'true');
    solutionButton.textContent = 'Hide solution';
    panel.scrollIntoView({ block: 'nearest' });
  });

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    runButton.disabled = true;
    const source = editor ? editor.getValue() : text;
    const runtime = runtimes.current();
    const ctl = (controller = new AbortController());
    cancelButton.hidden = false;
    progress.hidden = false;
    progressBar.value = 0;
    progressText.textContent = '';
    status.textContent = `Running the hidden tests (${runtime.name})…`;
    // The terminal's learner.ts follows what was last run, so `npm run grade` there agrees.
    void terminal?.then((t) => t.updateSource(source)).catch(() => undefined);
    try {
      const verdict = await runtime.grade({
        meta,
        source,
        signal: ctl.signal,
        onTest: (_r, index, total) => {
          progressBar.value = (index + 1) / total;
          progressText.textContent = '';
          status.textContent = `Running the hidden tests (${runtime.name})… ${index + 1}/${total}`;
        },
        onProgress: (p, index, total) => {
          progressBar.value = (index + p.fraction) / total;
          progressText.textContent =
            p.phase === 'exploring'
              ? `Test ${index + 1} of ${total}: ${p.runs} simulated runs of “${p.scenario}” so far`
              : `Test ${index + 1} of ${total}: a run failed; shrinking its faults (${p.runs} tries)`;
        },
      });
      if (ctl.signal.aborted) {
        status.textContent = 'Run cancelled. Your code is as you left it.';
        return;
      }
      gradedSource = source;
      showVerdict(root, verdict, replay);
      status.textContent = verdict.passed ? 'All tests passed.' : 'Some tests did not pass yet.';
      if (verdict.passed) {
        await markPassed(meta.id, verdict.runtime);
        showPassed(root);
      }
    } catch (error) {
      status.textContent = ctl.signal.aborted
        ? 'Run cancelled. Your code is as you left it.'
        : `The grader could not run: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      running = false;
      runButton.disabled = false;
      cancelButton.hidden = true;
      progress.hidden = true;
      controller = undefined;
    }
  }

  /** Reruns one failed simulation exactly and opens its trace in the viewer. */
  async function replay(test: TestResult, button: HTMLButtonElement): Promise<void> {
    if (running || test.replay === undefined || gradedSource === undefined) return;
    running = true;
    button.disabled = true;
    runButton.disabled = true;
    status.textContent = `Replaying ${test.replay}…`;
    try {
      const [verdict, { openTraceDialog }] = await Promise.all([
        runtimes.current().grade({ meta, source: gradedSource, replay: test.replay }),
        import('../trace/dialog.ts'),
      ]);
      const replayed = verdict.tests[0];
      if (!replayed?.trace) {
        status.textContent = `The replay produced no trace: ${verdict.problem?.message ?? replayed?.message ?? 'no test owns this scenario'}`;
        return;
      }
      openTraceDialog(replayed.trace, `Replay: ${test.name}`, button);
      status.textContent =
        replayed.status === 'pass'
          ? 'Replayed; this time the run passed, so your code behaves differently between runs. Look for state outside the node (module variables, real time).'
          : `Replayed seed ${replayed.trace.seed}: the trace viewer is open.`;
    } catch (error) {
      status.textContent = `The replay could not run: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      running = false;
      button.disabled = false;
      runButton.disabled = false;
    }
  }
}

/**
 * Marks a passed exercise: on the exercise itself, and with a tick on the table-of-contents
 * entry of the section it sits in (the nearest h2 before it).
 */
function showPassed(root: HTMLElement): void {
  root.dataset.passed = 'true';
  let heading: Element | null = null;
  // The chapter's section (h2), not a subsection: that is the entry a learner scans the contents for.
  for (const h of document.querySelectorAll('.sl-markdown-content h2[id]')) {
    if (h.compareDocumentPosition(root) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h;
  }
  if (!heading) return;
  for (const link of document.querySelectorAll<HTMLAnchorElement>(`starlight-toc a[href="#${CSS.escape(heading.id)}"], mobile-starlight-toc a[href="#${CSS.escape(heading.id)}"]`)) {
    if (link.querySelector('.toc-passed')) continue;
    const tick = document.createElement('span');
    tick.className = 'toc-passed';
    tick.textContent = ' ✓';
    tick.setAttribute('aria-label', '(exercise passed)');
    tick.setAttribute('role', 'img');
    link.append(tick);
    link.dataset.passed = 'true';
  }
}

const LABEL: Record<TestResult['status'], string> = { pass: 'passed', fail: 'failed', error: 'error', timeout: 'timed out', skipped: 'not run' };

function showVerdict(root: HTMLElement, verdict: Verdict, onReplay: (test: TestResult, button: HTMLButtonElement) => void): void {
  const $ = (role: string) => root.querySelector<HTMLElement>(`[data-role="${role}"]`)!;
  const passed = verdict.tests.filter((t) => t.status === 'pass').length;
  $('results').hidden = false;
  root.dataset.verdict = verdict.passed ? 'passed' : 'failed';
  $('summary').textContent = `${passed} of ${verdict.tests.length} tests passed · graded by the ${verdict.runtime === 'webcontainer' ? 'WebContainer (Node)' : 'browser worker'} runtime in ${verdict.durationMs} ms`;
  const problem = $('problem');
  problem.hidden = !verdict.problem;
  problem.textContent = verdict.problem?.message ?? '';
  const list = $('tests');
  list.replaceChildren(
    ...verdict.tests.map((t) => {
      const li = document.createElement('li');
      li.className = `exercise-test is-${t.status}`;
      li.dataset.status = t.status;
      const head = document.createElement('div');
      const badge = document.createElement('span');
      badge.className = 'exercise-badge';
      badge.textContent = LABEL[t.status];
      const name = document.createElement('span');
      name.className = 'exercise-test-name';
      name.textContent = t.name;
      head.append(badge, ' ', name);
      li.append(head);
      if (t.message && t.status !== 'pass') {
        const msg = document.createElement('pre');
        msg.className = 'exercise-message';
        msg.textContent = t.message;
        li.append(msg);
      }
      if (t.replay !== undefined && t.status !== 'pass') {
        const row = document.createElement('p');
        row.className = 'exercise-replay';
        const code = document.createElement('code');
        code.textContent = t.replay;
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.action = 'replay';
        button.textContent = 'Replay and show the trace';
        button.addEventListener('click', () => onReplay(t, button));
        row.append(button, ' ', code);
        li.append(row);
      }
      if (t.console?.length) {
        const out = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = `Console output (${t.console.length} line${t.console.length === 1 ? '' : 's'})`;
        const pre = document.createElement('pre');
        pre.textContent = t.console.join('\n');
        out.append(summary, pre);
        li.append(out);
      }
      return li;
    }),
  );
}

/** What the exercise where the learner chose WebContainer says once the boot has an outcome. */
function bootOutcome(s: RuntimeStatus): string | undefined {
  switch (s.state) {
    case 'webcontainer':
      return 'WebContainer (real Node) is ready: Runs use it now.';
    case 'fallback':
      return `WebContainer could not start (${s.reason}); the browser worker grades instead.`;
    case 'worker':
      return `WebContainer cannot run here (${s.reason}); the browser worker grades.`;
    default:
      return undefined;
  }
}
