/**
 * The editor's keyboard shortcuts: undo (Ctrl/Cmd+Z), redo (Ctrl/Cmd+Shift+Z, Ctrl+Y), copy
 * and paste (Ctrl/Cmd+C/V). Inside a text field the browser's own undo and clipboard win.
 * (Delete/Backspace are React Flow's, which also leaves text fields alone.)
 */
import { useEffect, useRef } from 'react';

export interface Shortcuts {
  undo(): void;
  redo(): void;
  copy(): boolean;
  paste(): boolean;
}

function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return (
    target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type)
  );
}

/** Listens while `enabled`; the handlers may change on every render. */
export function useShortcuts(handlers: Shortcuts, enabled: boolean): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextTarget(event.target)) return;
      // Text selected on the page (a message, a problem) copies as text, not as steps.
      if (event.key.toLowerCase() === 'c' && !window.getSelection()?.isCollapsed) return;
      const key = event.key.toLowerCase();
      const h = latest.current;
      let handled = true;
      if (key === 'z' && event.shiftKey) h.redo();
      else if (key === 'z') h.undo();
      else if (key === 'y' && !event.shiftKey) h.redo();
      else if (key === 'c' && !event.shiftKey) handled = h.copy();
      else if (key === 'v' && !event.shiftKey) handled = h.paste();
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
