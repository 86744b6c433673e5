/**
 * Monaco, bundled by Vite (no CDN), with TypeScript checking against the sim's own
 * declarations. Loaded only when a learner starts editing: it is by far the largest chunk.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
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
    });
    const files = (await (await fetch(graderUrl('types.json'))).json()) as Record<string, string>;
    for (const [path, content] of Object.entries(files)) typescriptDefaults.addExtraLib(content, path);
  })();
  return typesReady;
}

const theme = () => (document.documentElement.dataset.theme === 'light' ? 'vs' : 'vs-dark');

let models = 0;

export async function createEditor(host: HTMLElement, options: EditorOptions): Promise<EditorHandle> {
  await setUpTypeScript();
  const model = monaco.editor.createModel(options.value, 'typescript', monaco.Uri.parse(`file:///exercise-${++models}.ts`));
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
