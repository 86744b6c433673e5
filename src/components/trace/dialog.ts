/**
 * The trace viewer in a modal dialog, as Replay opens it from an exercise's results: the
 * diagram needs more width than the chapter's column, and a native <dialog> gives focus
 * containment and Escape to close for free.
 */
import type { Trace } from '@baristas/sim/host';
import { renderTraceViewer, type TraceViewerHandle } from './viewer.ts';

let dialogs = 0;

/**
 * `opener` gets focus back on close: the browser's own return goes to whatever had focus at
 * opening, and the Replay button was disabled (so unfocused) while the replay ran.
 */
export function openTraceDialog(trace: Trace, title: string, opener?: HTMLElement): { dialog: HTMLDialogElement; viewer: TraceViewerHandle } {
  const headingId = `trace-dialog-${++dialogs}`;
  const dialog = document.createElement('dialog');
  dialog.className = 'trace-dialog';
  dialog.setAttribute('aria-labelledby', headingId);
  const head = document.createElement('header');
  head.className = 'trace-dialog-head';
  const h = document.createElement('h2');
  h.id = headingId;
  h.textContent = title;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Close';
  close.dataset.action = 'close-trace';
  close.addEventListener('click', () => dialog.close());
  head.append(h, close);
  const body = document.createElement('div');
  body.className = 'trace-dialog-body';
  dialog.append(head, body);
  document.body.append(dialog);
  const viewer = renderTraceViewer(body, trace);
  dialog.addEventListener('close', () => {
    viewer.destroy();
    dialog.remove();
    opener?.focus();
  });
  dialog.showModal();
  // Laid out only now: place the cursor again so the diagram scrolls to it.
  viewer.select(viewer.selected);
  // Start on the diagram, where the arrow keys step; the close button is one Tab back.
  body.querySelector<HTMLElement>('[data-role="scroll"]')?.focus();
  return { dialog, viewer };
}
