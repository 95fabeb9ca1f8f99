/**
 * Loaded only by a chat with `persist`, so embeds that do not persist never download it.
 *
 * Keeps a chat's conversation and settings in IndexedDB: restores them when the element starts,
 * saves at every turn boundary and setting change, at most once a second while a reply streams
 * (so a crash mid-reply keeps the text so far), and when the page is hidden or left.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RestoredConversation, SavedConversation } from '../core/saved-conversation.js';
import { recordIntent, type IntentHandle, type IntentInput } from './crash-markers.js';
import { ThrottledSaver } from './throttled-saver.js';

/** IndexedDB code loads only for a chat that persists: embeds without `persist` never fetch it. */
const store = () => import('./conversation-store.js');

/** What the chat hands over; the store adds the format's version. */
type UnversionedConversation = Omit<SavedConversation, 'version'>;

/** How often a streaming reply is saved. A crash loses at most this much of it. */
export const STREAMING_SAVE_INTERVAL_MS = 1000;

export interface ChatPersistenceOptions {
  /** The record key; two chats on one origin that both persist need different keys. */
  key: () => string;
  /** What to save now. */
  snapshot: () => UnversionedConversation;
  /** Puts a restored conversation back into the element. */
  apply: (saved: RestoredConversation) => void;
}

export class ChatPersistence implements ReactiveController {
  /** False until the saved record (if any) has been applied: nothing is saved before then. */
  private restored = false;
  private restoring: Promise<void> | undefined;
  private readonly saver: ThrottledSaver<UnversionedConversation>;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: ChatPersistenceOptions,
  ) {
    host.addController(this);
    this.saver = new ThrottledSaver(
      options.snapshot,
      async (conversation) => (await store()).saveConversation(options.key(), conversation),
      STREAMING_SAVE_INTERVAL_MS,
      // Private browsing, a full disk or a blocked database: the chat works, it just is not saved.
      (error) => console.warn('[edge-llm] could not save the conversation:', error),
    );
  }

  hostConnected(): void {
    addEventListener('pagehide', this.onLeave);
    document.addEventListener('visibilitychange', this.onLeave);
  }

  hostDisconnected(): void {
    removeEventListener('pagehide', this.onLeave);
    document.removeEventListener('visibilitychange', this.onLeave);
    if (this.restored) void this.saver.flush();
  }

  /** Reads the saved record once and applies it. Safe to call again; resolves when done. */
  restore(): Promise<void> {
    this.restoring ??= store()
      .then(({ loadConversation }) => loadConversation(this.options.key()))
      .then((saved) => {
        if (saved) this.options.apply(saved);
      })
      .catch((error: unknown) => console.warn('[edge-llm] could not read the saved conversation:', error))
      .finally(() => {
        this.restored = true;
      });
    return this.restoring;
  }

  /** Something changed that should be saved soon (a token, a setting). */
  changed(): void {
    if (this.restored) this.saver.schedule();
  }

  /** A turn boundary: save now. */
  saveNow(): Promise<void> {
    return this.restored ? this.saver.flush() : Promise.resolve();
  }

  /** A crash marker for a run about to start (see run-intent.ts); clear it when the run ends. */
  recordIntent(input: IntentInput): IntentHandle {
    return recordIntent(input);
  }

  /** Deletes the saved record, after any write already under way. */
  clear(): Promise<void> {
    const key = this.options.key();
    return this.saver.replaceWith(async () => (await store()).clearConversation(key));
  }

  private readonly onLeave = () => {
    // The last chance to save before a tab is discarded or closed; the write may not finish,
    // which is why streaming replies are also saved as they go.
    if (document.visibilityState === 'hidden' && this.restored && this.saver.pending) void this.saver.flush();
  };
}
