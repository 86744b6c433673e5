/**
 * Monaco, bundled by Vite (no CDN), with TypeScript checking against the sim's own
 * declarations and those of the modules the exercise provides. Loaded only when a learner
 * starts editing: it is by far the largest chunk.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
// editor.api is the bare editor: hover, completions, parameter hints, Find and the services
// they share (suggest memories, code lens and inlay hint caches, the action widget) are
// contributions that must be registered before the first editor is created. Without them the
// first editor on a page has no hover, no Find and no completions at all, and a later one logs
// "depends on UNKNOWN service" once the TypeScript mode has pulled some of them in.
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import { typescriptDefaults, ModuleKind, ModuleResolutionKind, ScriptTarget } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import { graderUrl } from '../../runtimes/runtime.ts';

export interface EditorHandle {
  getValue(): string;
  /** Replaces the whole text as one edit, so Ctrl+Z brings the old text back. */
  replaceAll(value: string): void;
  focus(): void;
}

export interface EditorOptions {
  /**
   * The exercise being edited. Its provided modules (`sandboxes/<id>/provided/`) are typed in
   * the editor, so `import { X } from './<name>'` gets hovers and errors like the sim does.
   */
  exerciseId: string;
  value: string;
  ariaLabel: string;
  onChange(value: string): void;
  onRun(): void;
  /** TypeScript's errors for the learner's code, as they change while typing. */
  onDiagnostics?(errors: { line: number; message: string }[]): void;
}

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};

let typesReady: Promise<void> | undefined;

function setUpTypeScript(): Promise<void> {
  typesReady ??= (async () => {
    typescriptDefaults.setCompilerOptions({
      target: ScriptTarget.ESNext,
      module: ModuleKind.ESNext,
      moduleResolution: ModuleResolutionKind.NodeJs,
      strict: true,
      noEmit: true,
      // The grader accepts `./<name>.ts` for a provided module; the editor must not flag it.
      allowImportingTsExtensions: true,
    });
    const files = (await (await fetch(graderUrl('types.json'))).json()) as Record<string, string>;
    for (const [path, content] of Object.entries(files)) typescriptDefaults.addExtraLib(content, path);
  })();
  return typesReady;
}

const providedTypes = new Map<string, Promise<void>>();

/**
 * Mounts the declarations of an exercise's provided modules next to its model, once per
 * exercise however many editors open it.
 */
function addProvidedTypes(exerciseId: string): Promise<void> {
  let ready = providedTypes.get(exerciseId);
  if (!ready) {
    ready = (async () => {
      const response = await fetch(graderUrl(`types/${exerciseId}.json`));
      if (!response.ok) throw new Error(`Could not load the types of ${exerciseId}'s modules: HTTP ${response.status}`);
      const files = (await response.json()) as Record<string, string>;
      for (const [path, content] of Object.entries(files)) typescriptDefaults.addExtraLib(content, path);
    })();
    providedTypes.set(exerciseId, ready);
  }
  return ready;
}

/**
 * The learner's file sits in the folder its provided modules' declarations are mounted in
 * (`file:///exercises/<id>/`), which is what makes `./<name>` resolve. A second editor on the
 * same exercise gets a suffix: Monaco allows one model per URI.
 */
function modelUri(exerciseId: string): monaco.Uri {
  const folder = `file:///exercises/${exerciseId}`;
  let uri = monaco.Uri.parse(`${folder}/${exerciseId}.ts`);
  for (let n = 2; monaco.editor.getModel(uri); n++) uri = monaco.Uri.parse(`${folder}/${exerciseId}-${n}.ts`);
  return uri;
}

const theme = () => (document.documentElement.dataset.theme === 'light' ? 'vs' : 'vs-dark');

let overflowHost: HTMLElement | undefined;

/**
 * Where every editor draws its hovers, completion lists and parameter hints: one layer on
 * <body>, above Starlight's header and table of contents (course.css gives it the z-index),
 * so a popup is never cut by the editor's box or drawn under the page's chrome. It carries the
 * `monaco-editor` class because Monaco's theme colours are set on that class.
 */
function overflowWidgets(): HTMLElement {
  if (!overflowHost) {
    overflowHost = document.createElement('div');
    overflowHost.className = 'monaco-editor baristas-editor-overflow';
    document.body.append(overflowHost);
  }
  return overflowHost;
}

export async function createEditor(host: HTMLElement, options: EditorOptions): Promise<EditorHandle> {
  // Before the model exists, so its first diagnostics do not flag the imports of provided modules.
  await Promise.all([setUpTypeScript(), addProvidedTypes(options.exerciseId)]);
  const model = monaco.editor.createModel(options.value, 'typescript', modelUri(options.exerciseId));
  const editor = monaco.editor.create(host, {
    model,
    theme: theme(),
    ariaLabel: options.ariaLabel,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    tabSize: 2,
    wordWrap: 'on',
    fixedOverflowWidgets: true,
    overflowWidgetsDomNode: overflowWidgets(),
  });
  // Starlight switches themes by setting data-theme on <html>; follow it.
  new MutationObserver(() => monaco.editor.setTheme(theme())).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['data-theme'],
  });
  editor.addAction({
    id: 'baristas.run',
    label: 'Run the hidden tests',
    keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
    run: () => options.onRun(),
  });
  model.onDidChangeContent(() => options.onChange(model.getValue()));
  monaco.editor.onDidChangeMarkers((uris) => {
    if (!uris.some((u) => u.toString() === model.uri.toString())) return;
    const errors = monaco.editor
      .getModelMarkers({ resource: model.uri })
      .filter((m) => m.severity === monaco.MarkerSeverity.Error)
      .map((m) => ({ line: m.startLineNumber, message: typeof m.message === 'string' ? m.message : String(m.message) }));
    options.onDiagnostics?.(errors);
  });
  return {
    getValue: () => model.getValue(),
    replaceAll: (value) => {
      editor.pushUndoStop();
      editor.executeEdits('reset', [{ range: model.getFullModelRange(), text: value }]);
      editor.pushUndoStop();
    },
    focus: () => editor.focus(),
  };
}
