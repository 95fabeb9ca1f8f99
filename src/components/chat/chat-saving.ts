/**
 * The chat's saved conversations, wired by the session. Only this thin part is in the library's
 * first download: the persistence code (src/persistence/chat-persistence.ts, which keeps the open
 * conversation and the list) loads only for a chat with `persist`, reads what was saved once, and
 * is told here when something worth saving changed.
 */
import type { ConversationSummary } from '../../core/conversation-index.js';
import type { SavedConversation } from '../../core/saved-conversation.js';
import { EdgeLlmModelSelectEvent } from '../../events.js';
import type { ChatPersistence, SavedTurnsAccess } from '../../persistence/chat-persistence.js';
import type { IntentHandle, IntentInput } from '../../persistence/crash-markers.js';
import type { ChatSessionHost } from './chat-status.js';

/** Settings whose change is saved with the conversation. */
const SAVED_SETTINGS = ['systemPrompt', 'maxTokens', 'temperature', 'engine', 'model', 'device'] as const;

export class ChatSaving {
  /** Shown under the chat when it persists. */
  note = '';
  /** Present once the persistence code has loaded and what was saved was read. */
  private persistence: ChatPersistence | undefined;
  private starting: Promise<void> | undefined;
  /**
   * Set while the element takes settings from what was saved or cleared ("Clear", opening a
   * conversation), so taking them is not saved straight back as a change.
   */
  private quiet = false;

  constructor(
    private readonly host: ChatSessionHost,
    private readonly session: SavedTurnsAccess,
  ) {}

  get ready(): boolean {
    return this.persistence !== undefined;
  }

  /** The saved conversations, newest first (empty without `persist`). */
  get conversations(): readonly ConversationSummary[] {
    return (this.host.persist && this.persistence?.index?.conversations) || [];
  }

  /** The open conversation's id; undefined until its first message is saved. */
  get currentId(): string | undefined {
    return this.host.persist ? this.persistence?.currentId : undefined;
  }

  /** The element's settings changed. */
  settingsChanged(changed: ReadonlySet<PropertyKey>): void {
    if (changed.has('persist') && this.host.persist) void this.start();
    if (this.host.persist && !this.quiet && SAVED_SETTINGS.some((name) => changed.has(name))) {
      this.persistence?.changed();
    }
  }

  /** Saves at a turn boundary (`now`) or soon (while a reply streams). */
  save(now: boolean): void {
    if (!this.host.persist || this.quiet) return;
    if (now) void this.persistence?.saveNow();
    else this.persistence?.changed();
  }

  /** A crash marker for a load about to start, when the chat persists. */
  recordIntent(input: IntentInput): IntentHandle | undefined {
    return this.host.persist ? this.persistence?.recordIntent(input) : undefined;
  }

  /** The chat moves to a new conversation: the open one is saved as it is now, and stays listed. */
  leave(): void {
    if (this.host.persist) this.persistence?.leave();
  }

  /**
   * Deletes the open conversation (or a new one's settings) after `startOver` empties the chat;
   * the element's own settings come back.
   */
  async clear(startOver: () => void): Promise<void> {
    await this.quietly(() => {
      this.persistence?.forget();
      startOver();
      if (this.persistence?.defaults) Object.assign(this.host, this.persistence.defaults);
    });
    await this.persistence?.clear();
    this.note = 'Cleared: nothing is saved on this device until you chat or change a setting.';
    this.host.requestUpdate();
  }

  /** Opens saved conversation `id` with its settings and model; false when it is gone. */
  async openSaved(id: string): Promise<boolean> {
    const saved = await this.library().openSaved(id, (change) => this.quietly(change));
    if (!saved) return false;
    const { engine, model } = saved.settings;
    // The page follows: the app selects the conversation's model in its picker.
    if (model) this.host.dispatchEvent(new EdgeLlmModelSelectEvent({ modelId: model, ...(engine ? { engine } : {}) }));
    return true;
  }

  rename(id: string, title: string): Promise<void> {
    return this.library().rename(id, title);
  }

  /** Deletes conversation `id`; the open one is first replaced by a new one (`startOver`, unsaved). */
  async remove(id: string, startOver: () => void): Promise<void> {
    const library = this.library();
    if (id === library.currentId) {
      library.forget();
      startOver();
    }
    await library.remove(id);
  }

  read(id: string): Promise<SavedConversation | undefined> {
    return this.library().read(id);
  }

  readAll(): Promise<SavedConversation[]> {
    return this.library().readAll();
  }

  add(conversation: Omit<SavedConversation, 'id' | 'version'>): Promise<string> {
    return this.library().add(conversation);
  }

  /** Loads the persistence code and restores what was saved; once per element. */
  start(): Promise<void> {
    this.starting ??= import('../../persistence/chat-persistence.js')
      .then(async ({ ChatPersistence }) => {
        const persistence = new ChatPersistence(this.host, this.session);
        await persistence.restore();
        this.persistence = persistence;
      })
      .catch((error: unknown) => console.warn('[edge-llm] could not start saving the conversation:', error));
    return this.starting;
  }

  /** Runs `change` without saving what it does to the element's settings. */
  private async quietly(change: () => void): Promise<void> {
    this.quiet = true;
    try {
      change();
      await this.host.updateComplete;
    } finally {
      this.quiet = false;
    }
  }

  private library(): ChatPersistence {
    if (!this.host.persist || !this.persistence) {
      throw new Error('Saved conversations need the "persist" attribute (and its code to have loaded).');
    }
    return this.persistence;
  }
}
