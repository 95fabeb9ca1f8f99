/** The remedies a chat performs itself, from an error panel's buttons or the host page. */
import type { TabCopy } from '../../client/engine-pool.js';
import type { Conversation } from '../../core/conversation.js';
import type { RecoveryAction } from '../../core/error-messages.js';
import type { ChatStatus } from './chat-status.js';

/** What a remedy needs of the chat's session. */
export interface Recoverable {
  readonly status: ChatStatus;
  readonly conversation: Conversation;
  regenerate(): Promise<unknown>;
  load(copy?: TabCopy): Promise<unknown>;
  /** A fresh worker, so a fresh GPU device, with the lost-device count reset. */
  restartWorker(): void;
  reset(): void;
  /** Puts away a failed status: back to the loaded model, or to nothing. */
  dismissError(): void;
}

/** Performs `action`; returns false for one that belongs to the host page. */
export function recoverChat(session: Recoverable, action: RecoveryAction): boolean {
  const status = session.status;
  if (action === 'retry') {
    const canRetry = session.conversation.lastUserIndex() >= 0 && status.kind === 'failed' && status.report;
    if (canRetry && status.during === 'generate') void session.regenerate().catch(() => undefined);
    else void session.load().catch(() => undefined);
    return true;
  }
  if (action === 'restart-worker' || action === 'reload-model') {
    // A fresh worker means a fresh GPU device: engines (ONNX Runtime in particular) keep the
    // device they started with, so a lost one cannot be replaced in the same worker.
    session.restartWorker();
    void session.load().catch(() => undefined);
    return true;
  }
  if (action === 'move-model-here' || action === 'load-second-copy') {
    void session.load(action === 'move-model-here' ? 'move-here' : 'second-copy').catch(() => undefined);
    return true;
  }
  if (action === 'new-conversation') {
    session.reset();
    session.dismissError();
    return true;
  }
  return false;
}
