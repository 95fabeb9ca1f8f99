/**
 * Loaded only by a chat with `persist`, so embeds that do not persist never download it.
 *
 * Keeps a chat's conversations and settings in IndexedDB (conversation-store.ts): restores the
 * open one when the element starts, saves it at every turn boundary and setting change, at most
 * once a second while a reply streams (so a crash mid-reply keeps the text so far), and when the
 * page is hidden or left; and opens, renames, deletes, reads and adds the others. What is saved
 * is the open conversation (its turns, where the model's memory begins, its title) with the
 * element's settings. Every write and every operation on the list goes through one queue, in the
 * order asked, so a later one never lands before an earlier one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { TurnText, type ChatTurn } from '../core/conversation.js';
import { randomId } from '../core/random-id.js';
import { titleFrom, type ConversationIndex } from '../core/conversation-index.js';
import {
  isTitle,
  SAVED_CONVERSATION_VERSION,
  type SavedConversation,
  type SavedSettings,
} from '../core/saved-conversation.js';
import type { ComputeDevice, EngineId } from '../shared/engine-api.js';
import { recordIntent, type IntentHandle, type IntentInput } from './crash-markers.js';
import { ThrottledSaver } from './throttled-saver.js';

/** IndexedDB code loads with the first read or write. */
const store = () => import('./conversation-store.js');

/** How often a streaming reply is saved. A crash loses at most this much of it. */
export const STREAMING_SAVE_INTERVAL_MS = 1000;

/** What is saved: the open conversation, or the settings of a new one with no message yet. */
type ChatSnapshot = { conversation: SavedConversation } | { draft: Partial<SavedSettings> };

/** The chat element as persistence sees it: its settings, and where it keeps its record. */
export interface PersistingChat extends ReactiveControllerHost {
  systemPrompt: string;
  maxTokens: number;
  temperature: number;
  engine: EngineId;
  model: string;
  device: ComputeDevice;
  storageKey: string;
}

/** What persistence reads from and writes into the chat's session. */
export interface SavedTurnsAccess {
  turns(): readonly ChatTurn[];
  memoryStart(): number;
  /**
   * Puts saved turns in. At start (`replace` false) only while the visitor has not started a
   * conversation; when a conversation is opened, always. Returns whether they were put in.
   */
  restore(turns: Omit<ChatTurn, 'id'>[], memoryStart: number, replace: boolean): boolean;
}

/** The open conversation's identity: an id once it has a first message, and a title once renamed. */
interface OpenConversation {
  id: string | undefined;
  createdAt: number;
  title: string | undefined;
}

const fresh = (): OpenConversation => ({ id: undefined, createdAt: Date.now(), title: undefined });

export class ChatPersistence implements ReactiveController {
  /** The list of saved conversations, as last read or written. */
  index: ConversationIndex | undefined;
  /** The element's own settings, before what was saved replaced them: what "Clear" goes back to. */
  defaults: Pick<SavedSettings, 'systemPrompt' | 'maxTokens' | 'temperature'> | undefined;
  private open: OpenConversation = fresh();
  /** False until what was saved has been applied: nothing is saved before then. */
  private restored = false;
  private restoring: Promise<void> | undefined;
  private readonly saver: ThrottledSaver<ChatSnapshot>;

  constructor(
    private readonly host: PersistingChat,
    private readonly session: SavedTurnsAccess,
  ) {
    host.addController(this);
    this.saver = new ThrottledSaver(
      () => this.snapshot(),
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

  /** The open conversation's id; undefined until its first message is saved. */
  get currentId(): string | undefined {
    return this.open.id;
  }

  /** Reads what was saved once and applies it. Safe to call again; resolves when done. */
  restore(): Promise<void> {
    this.restoring ??= store()
      .then(({ loadLibrary }) => loadLibrary(this.host.storageKey))
      .then(({ index, current }) => {
        this.setIndex(index);
        const { systemPrompt, maxTokens, temperature } = this.host;
        this.defaults = { systemPrompt, maxTokens, temperature };
        this.applySettings(current?.settings ?? index.draft ?? {}, false);
        if (current && this.session.restore(turnsOf(current), current.memoryStart, false)) this.identify(current);
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
   * The chat leaves its open conversation (for a new one or another): it is saved as it is now
   * (not when the write gets its turn), and what is saved next is a new conversation.
   */
  leave(): void {
    if (this.restored && this.session.turns().length > 0) {
      const snapshot = this.snapshot();
      void this.saver.replaceWith(() => this.write(snapshot));
    }
    this.open = fresh();
  }

  /** A new conversation, the open one not saved again (it is being deleted or cleared). */
  forget(): void {
    this.open = fresh();
  }

  /** A crash marker for a run about to start (see run-intent.ts); clear it when the run ends. */
  recordIntent(input: IntentInput): IntentHandle {
    // Claimed by this chat's crash notice on the next visit (see crash-notice-controller.ts).
    return recordIntent({ ...input, owner: this.host.storageKey });
  }

  /** Deletes the open conversation (or a new one's settings), after any write already under way. */
  clear(): Promise<void> {
    return this.run(async (key, conversations) => this.setIndex(await conversations.clearConversation(key)));
  }

  /**
   * Opens saved conversation `id`: its turns, settings, and its engine, model and device (at start
   * the page decides those; opening one is the visitor's choice). Resolves with it, or undefined
   * when it is gone. `quietly` runs the change without saving it back as a change of settings.
   */
  async openSaved(id: string, quietly: (change: () => void) => Promise<void>): Promise<SavedConversation | undefined> {
    const saved = await this.read(id);
    if (!saved) return undefined;
    this.leave();
    await quietly(() => {
      this.session.restore(turnsOf(saved), saved.memoryStart, true);
      this.identify(saved);
      this.applySettings(saved.settings, true);
    });
    await this.run(async (key, conversations) => this.setIndex(await conversations.openConversation(key, id)));
    return saved;
  }

  /** Gives conversation `id` (the open one too) a title of its own. */
  rename(id: string, title: string): Promise<void> {
    if (!isTitle(title)) return Promise.reject(new Error('A title needs 1 to 200 characters.'));
    if (id === this.open.id) {
      this.open.title = title;
      return this.saveNow();
    }
    return this.run(async (key, conversations) =>
      this.setIndex(await conversations.renameConversation(key, id, title)),
    );
  }

  remove(id: string): Promise<void> {
    return this.run(async (key, conversations) => this.setIndex(await conversations.deleteConversation(key, id)));
  }

  /** Conversation `id` as saved, the open one as it is now; undefined when it is not there. */
  read(id: string): Promise<SavedConversation | undefined> {
    const snapshot = this.snapshot();
    if ('conversation' in snapshot && snapshot.conversation.id === id) return Promise.resolve(snapshot.conversation);
    return this.run((key, conversations) => conversations.readConversation(key, id));
  }

  /** Every saved conversation, newest first, the open one as it is now. */
  readAll(): Promise<SavedConversation[]> {
    if (this.session.turns().length > 0) void this.saveNow();
    return this.run((key, conversations) => conversations.readAllConversations(key));
  }

  /** Adds a conversation (an imported one) under a new id without opening it; resolves with the id. */
  async add(conversation: Omit<SavedConversation, 'id' | 'version'>): Promise<string> {
    const id = randomId();
    const complete: SavedConversation = { ...conversation, id, version: SAVED_CONVERSATION_VERSION };
    await this.run(async (key, conversations) =>
      this.setIndex(await conversations.saveConversation(key, complete, false)),
    );
    return id;
  }

  /**
   * Runs `task` after every write asked for so far (a throttled one is written first, not dropped),
   * and resolves with its result; a failure rejects.
   */
  private run<T>(task: (key: string, conversations: Awaited<ReturnType<typeof store>>) => Promise<T>): Promise<T> {
    const key = this.host.storageKey;
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

  private snapshot(): ChatSnapshot {
    const { systemPrompt, maxTokens, temperature, engine, model, device } = this.host;
    const settings = { systemPrompt, maxTokens, temperature, engine, model, device };
    const turns = this.session.turns();
    if (turns.length === 0) return { draft: settings };
    this.open.id ??= randomId();
    const firstUser = turns.find((turn) => turn.role === 'user');
    return {
      conversation: {
        version: SAVED_CONVERSATION_VERSION,
        id: this.open.id,
        title: this.open.title ?? titleFrom(firstUser?.text.value ?? ''),
        renamed: this.open.title !== undefined,
        createdAt: this.open.createdAt,
        savedAt: Date.now(),
        settings,
        turns: turns.map((turn) => ({
          role: turn.role,
          text: turn.text.value,
          ...(turn.stats ? { stats: turn.stats } : {}),
          ...(turn.streaming ? { partial: true } : {}),
        })),
        memoryStart: this.session.memoryStart(),
      },
    };
  }

  private identify(saved: SavedConversation): void {
    this.open = { id: saved.id, createdAt: saved.createdAt, title: saved.renamed ? saved.title : undefined };
  }

  /** The element takes saved settings; engine, model and device only when a conversation is opened. */
  private applySettings(settings: Partial<SavedSettings>, withModel: boolean): void {
    if (settings.systemPrompt !== undefined) this.host.systemPrompt = settings.systemPrompt;
    if (settings.maxTokens !== undefined) this.host.maxTokens = settings.maxTokens;
    if (settings.temperature !== undefined) this.host.temperature = settings.temperature;
    if (!withModel) return;
    if (settings.engine !== undefined) this.host.engine = settings.engine;
    if (settings.model !== undefined) this.host.model = settings.model;
    if (settings.device !== undefined) this.host.device = settings.device;
  }

  private async write(snapshot: ChatSnapshot): Promise<void> {
    const conversations = await store();
    const key = this.host.storageKey;
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

/** Saved text goes back in as text, exactly like a reply that streams in. */
function turnsOf(saved: SavedConversation): Omit<ChatTurn, 'id'>[] {
  return saved.turns.map((turn) => ({
    role: turn.role,
    text: new TurnText(turn.text),
    ...(turn.stats ? { stats: turn.stats } : {}),
  }));
}
