/** Modal dialogs: a confirmation (Delete, Lock) whose action runs only after an explicit second click, and an editor over the page. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';

interface ConfirmProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  /** Why the action failed (e.g. "delete the 3 devices of … first"). */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, danger, busy, error, onConfirm, onCancel }: ConfirmProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onCancel(); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="overlay" onClick={(e) => { if (e.target === e.currentTarget) onCancel(); }}>
      <div class="card dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" data-testid="confirm-dialog">
        <h2 id="dialog-title">{title}</h2>
        <div class="dialog-body">{children}</div>
        {error ? <p class="error" role="alert" data-testid="confirm-error">{error}</p> : null}
        <div class="buttons">
          <button ref={cancelRef} type="button" data-testid="confirm-cancel" onClick={onCancel}>{t('cfg.cancel')}</button>
          <button type="button" class={danger ? 'danger' : 'primary-inline'} data-testid="confirm-ok" disabled={busy} onClick={onConfirm}>{confirmLabel}</button>
        </div>
      </div>
    </div>
  );
}

/** An editor over the page: Escape or Cancel closes it (a click outside does not: edits would be lost). */
export function EditorDialog({ title, testid, onClose, children }: { title: string; testid: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && !document.querySelector('[data-testid=confirm-dialog]')) onClose(); };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);
  return (
    <div class="overlay">
      <div ref={ref} class="card dialog cost-dialog editor-dialog" role="dialog" aria-modal="true" aria-labelledby={`${testid}-title`} data-testid={testid}>
        <h2 id={`${testid}-title`}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
