/**
 * The chat's saved conversations, wired by the session: the persistence code loads only for a
 * chat with `persist`, reads what was saved once, and is told when something worth saving
 * changed. What is saved is the open conversation (its turns, where the model's memory begins,
 * its title) with the element's settings; the others are opened, renamed, deleted, exported and
 * imported through here.
 */
import { TurnText, type ChatTurn } from '../../core/conversation.js';
import { titleFrom, type ConversationSummary } from '../../core/conversation-index.js';
import {
  SAVED_CONVERSATION_VERSION,
  type SavedConversation,
  type SavedSettings,
} from '../../core/saved-conversation.js';
import { EdgeLlmModelSelectEvent } from '../../events.js';
import type { ChatPersistence, ChatSnapshot } from '../../persistence/chat-persistence.js';
import type { IntentHandle, IntentInput } from '../../persistence/crash-markers.js';
import type { ChatSessionHost, ChatSettings } from './chat-session.js';

type EditableSettings = Pick<ChatSettings, 'systemPrompt' | 'maxTokens' | 'temperature'>;

/** Settings whose change is saved with the conversation. */
const SAVED_SETTINGS = ['systemPrompt', 'maxTokens', 'temperature', 'engine', 'model', 'device'] as const;

/** What the saving reads from and writes into the session. */
export interface SavedTurnsAccess {
  turns(): ChatTurn[];
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

export class ChatSaving {
  /** Shown under the chat when it persists. */
  note = '';
  /** Present once the persistence code has loaded and the saved record was read. */
  private persistence: ChatPersistence | undefined;
  private starting: Promise<void> | undefined;
  /** The settings before a saved record replaced them: what "Clear" goes back to. */
  private defaults: EditableSettings | undefined;
  /**
   * Set while the element takes settings from what was saved or cleared ("Clear", opening a
   * conversation), so taking them is not saved straight back as a change.
   */
  private quiet = false;
  private open: OpenConversation = fresh();

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
    return this.open.id;
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

  /**
   * The chat leaves its open conversation (for a new one or another): it is saved as it is now,
   * and what is saved next is a new conversation.
   */
  leave(): void {
    if (this.host.persist && this.session.turns().length > 0) void this.persistence?.saveAsIs(this.snapshot());
    this.open = fresh();
  }

  /**
   * Deletes the open conversation (or a new one's settings) after `startOver` empties the chat;
   * the element's own settings come back.
   */
  async clear(startOver: () => void): Promise<void> {
    await this.quietly(() => {
      this.open = fresh();
      startOver();
      if (this.defaults) Object.assign(this.host, this.defaults);
    });
    await this.persistence?.clear();
    this.note = 'Cleared: nothing is saved on this device until you chat or change a setting.';
    this.host.requestUpdate();
  }

  /** Opens saved conversation `id`: its turns, settings and model. Resolves false when it is gone. */
  async openSaved(id: string): Promise<boolean> {
    const saved = await this.library().read(id);
    if (!saved) return false;
    this.leave();
    await this.quietly(() => {
      this.session.restore(this.turnsOf(saved), saved.memoryStart, true);
      this.open = { id: saved.id, createdAt: saved.createdAt, title: saved.renamed ? saved.title : undefined };
      this.applySettings(saved.settings, true);
    });
    await this.library().open(id);
    const { engine, model } = saved.settings;
    // The page follows: the app selects the conversation's model in its picker.
    if (model) this.host.dispatchEvent(new EdgeLlmModelSelectEvent({ modelId: model, ...(engine ? { engine } : {}) }));
    return true;
  }

  /** Renames conversation `id` (the open one too). */
  async rename(id: string, title: string): Promise<void> {
    if (id === this.open.id) {
      this.open.title = title;
      await this.persistence?.saveNow();
    } else {
      await this.library().rename(id, title);
    }
  }

  /** Deletes conversation `id`; the open one is first replaced by a new one (`startOver`, unsaved). */
  async remove(id: string, startOver: () => void): Promise<void> {
    const library = this.library();
    if (id === this.open.id) {
      this.open = fresh();
      startOver();
    }
    await library.remove(id);
  }

  /** Conversation `id` as saved, the open one as it is now. */
  async read(id: string): Promise<SavedConversation | undefined> {
    const snapshot = this.snapshot();
    if ('conversation' in snapshot && snapshot.conversation.id === id) return snapshot.conversation;
    return this.library().read(id);
  }

  /** Every saved conversation, the open one as it is now. */
  async readAll(): Promise<SavedConversation[]> {
    await this.persistence?.saveNow();
    return this.library().readAll();
  }

  /** Adds an imported conversation under a new id; resolves with the id. */
  async add(conversation: Omit<SavedConversation, 'id' | 'version'>): Promise<string> {
    const id = crypto.randomUUID();
    await this.library().add({ ...conversation, id, version: SAVED_CONVERSATION_VERSION });
    return id;
  }

  /** Loads the persistence code and restores what was saved; once per element. */
  start(): Promise<void> {
    this.starting ??= import('../../persistence/chat-persistence.js')
      .then(async ({ ChatPersistence }) => {
        const persistence = new ChatPersistence(this.host, {
          key: () => this.host.storageKey,
          snapshot: () => this.snapshot(),
          apply: ({ conversation, draft }) => this.applySaved(conversation, draft),
        });
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

  private settings(): SavedSettings {
    const { systemPrompt, maxTokens, temperature, engine, model, device } = this.host;
    return { systemPrompt, maxTokens, temperature, engine, model, device };
  }

  private snapshot(): ChatSnapshot {
    const turns = this.session.turns();
    if (turns.length === 0) return { draft: this.settings() };
    this.open.id ??= crypto.randomUUID();
    const firstUser = turns.find((turn) => turn.role === 'user');
    return {
      conversation: {
        version: SAVED_CONVERSATION_VERSION,
        id: this.open.id,
        title: this.open.title ?? titleFrom(firstUser?.text.value ?? ''),
        renamed: this.open.title !== undefined,
        createdAt: this.open.createdAt,
        savedAt: Date.now(),
        settings: this.settings(),
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

  private turnsOf(saved: SavedConversation): Omit<ChatTurn, 'id'>[] {
    // Saved text goes back in as text, exactly like a reply that streams in.
    return saved.turns.map((turn) => ({
      role: turn.role,
      text: new TurnText(turn.text),
      ...(turn.stats ? { stats: turn.stats } : {}),
    }));
  }

  /** At start: the open conversation (unless the visitor already began one), or a new one's settings. */
  private applySaved(conversation: SavedConversation | undefined, draft: Partial<SavedSettings> | undefined): void {
    const { systemPrompt, maxTokens, temperature } = this.host;
    this.defaults = { systemPrompt, maxTokens, temperature };
    this.applySettings(conversation?.settings ?? draft ?? {}, false);
    if (conversation && this.session.restore(this.turnsOf(conversation), conversation.memoryStart, false)) {
      const { id, createdAt, renamed, title } = conversation;
      this.open = { id, createdAt, title: renamed ? title : undefined };
    }
  }

  /**
   * The element takes the saved settings. Engine, model and device too when a conversation is
   * opened: at start the page decides them (the app restores them itself; an embed keeps its
   * attributes).
   */
  private applySettings(settings: Partial<SavedSettings>, withModel: boolean): void {
    if (settings.systemPrompt !== undefined) this.host.systemPrompt = settings.systemPrompt;
    if (settings.maxTokens !== undefined) this.host.maxTokens = settings.maxTokens;
    if (settings.temperature !== undefined) this.host.temperature = settings.temperature;
    if (!withModel) return;
    if (settings.engine !== undefined) this.host.engine = settings.engine;
    if (settings.model !== undefined) this.host.model = settings.model;
    if (settings.device !== undefined) this.host.device = settings.device;
  }
}
