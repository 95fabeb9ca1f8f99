/**
 * Loaded only by a chat with `persist`, so embeds that do not persist never download it.
 *
 * Keeps a chat's conversations and settings in IndexedDB (conversation-store.ts): restores the
 * open one when the element starts, saves it at every turn boundary and setting change, at most
 * once a second while a reply streams (so a crash mid-reply keeps the text so far), and when the
 * page is hidden or left; and opens, renames, deletes, reads and adds the others. Every write and
 * every operation on the list goes through one queue, in the order asked, so a later one never
 * lands before an earlier one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConversationIndex } from '../core/conversation-index.js';
import type { SavedConversation, SavedSettings } from '../core/saved-conversation.js';
import { recordIntent, type IntentHandle, type IntentInput } from './crash-markers.js';
import { ThrottledSaver } from './throttled-saver.js';

/** IndexedDB code loads only for a chat that persists: embeds without `persist` never fetch it. */
const store = () => import('./conversation-store.js');

/** How often a streaming reply is saved. A crash loses at most this much of it. */
export const STREAMING_SAVE_INTERVAL_MS = 1000;

/** What the chat has to save: its open conversation, or the settings of a new one with no message. */
export type ChatSnapshot = { conversation: SavedConversation } | { draft: Partial<SavedSettings> };

export interface ChatPersistenceOptions {
  /** The chat's key; two chats on one origin that both persist need different keys. */
  key: () => string;
  /** What to save now. */
  snapshot: () => ChatSnapshot;
  /** Puts what was saved back into the element when it starts. */
  apply: (saved: { conversation: SavedConversation | undefined; draft: Partial<SavedSettings> | undefined }) => void;
}

export class ChatPersistence implements ReactiveController {
  /** The list of saved conversations, as last read or written. */
  index: ConversationIndex | undefined;
  /** False until the saved record (if any) has been applied: nothing is saved before then. */
  private restored = false;
  private restoring: Promise<void> | undefined;
  private readonly saver: ThrottledSaver<ChatSnapshot>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ChatPersistenceOptions,
  ) {
    host.addController(this);
    this.saver = new ThrottledSaver(
      options.snapshot,
      (snapshot) => this.write(snapshot),
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

  /** Reads what was saved once and applies it. Safe to call again; resolves when done. */
  restore(): Promise<void> {
    this.restoring ??= store()
      .then(({ loadLibrary }) => loadLibrary(this.options.key()))
      .then(({ index, current }) => {
        this.setIndex(index);
        this.options.apply({ conversation: current, draft: index.draft });
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

  /**
   * Saves `snapshot`, taken by the caller now rather than when the write starts: the chat is about
   * to move to another conversation and this is the last state of the one it leaves.
   */
  saveAsIs(snapshot: ChatSnapshot): Promise<void> {
    return this.restored ? this.saver.replaceWith(() => this.write(snapshot)) : Promise.resolve();
  }

  /** A crash marker for a run about to start (see run-intent.ts); clear it when the run ends. */
  recordIntent(input: IntentInput): IntentHandle {
    return recordIntent(input);
  }

  /** Deletes the open conversation (or a new one's settings), after any write already under way. */
  clear(): Promise<void> {
    return this.run(async (key, conversations) => this.setIndex(await conversations.clearConversation(key)));
  }

  /** Conversation `id` as saved (undefined when it is not there), after the writes asked for before. */
  read(id: string): Promise<SavedConversation | undefined> {
    return this.run((key, conversations) => conversations.readConversation(key, id));
  }

  /** Every saved conversation, newest first. */
  readAll(): Promise<SavedConversation[]> {
    return this.run((key, conversations) => conversations.readAllConversations(key));
  }

  /** Marks conversation `id` as the open one. */
  open(id: string): Promise<void> {
    return this.run(async (key, conversations) => this.setIndex(await conversations.openConversation(key, id)));
  }

  rename(id: string, title: string): Promise<void> {
    return this.run(async (key, conversations) =>
      this.setIndex(await conversations.renameConversation(key, id, title)),
    );
  }

  remove(id: string): Promise<void> {
    return this.run(async (key, conversations) => this.setIndex(await conversations.deleteConversation(key, id)));
  }

  /** Adds a conversation (an imported one) without opening it. */
  add(conversation: SavedConversation): Promise<void> {
    return this.run(async (key, conversations) =>
      this.setIndex(await conversations.saveConversation(key, conversation, false)),
    );
  }

  /**
   * Runs `task` after every write asked for so far (a throttled one is written first, not dropped),
   * and resolves with its result; a failure rejects.
   */
  private run<T>(task: (key: string, conversations: Awaited<ReturnType<typeof store>>) => Promise<T>): Promise<T> {
    const key = this.options.key();
    if (this.restored && this.saver.pending) void this.saver.flush();
    let result: { value: T } | { error: unknown } = { error: new Error('not run') };
    return this.saver
      .replaceWith(async () => {
        try {
          result = { value: await task(key, await store()) };
        } catch (error) {
          result = { error };
        }
      })
      .then(() => {
        if ('error' in result) throw result.error;
        return result.value;
      });
  }

  private async write(snapshot: ChatSnapshot): Promise<void> {
    const conversations = await store();
    const key = this.options.key();
    this.setIndex(
      'conversation' in snapshot
        ? await conversations.saveConversation(key, snapshot.conversation)
        : await conversations.saveDraft(key, snapshot.draft),
    );
  }

  private setIndex(index: ConversationIndex): void {
    this.index = index;
    this.host.requestUpdate();
  }

  private readonly onLeave = () => {
    // The last chance to save before a tab is discarded or closed; the write may not finish,
    // which is why streaming replies are also saved as they go.
    if (document.visibilityState === 'hidden' && this.restored && this.saver.pending) void this.saver.flush();
  };
}
