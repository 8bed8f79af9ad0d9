/** A modal confirmation (Delete, Lock): the action runs only after an explicit second click. */
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
