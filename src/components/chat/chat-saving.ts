/**
 * The chat's saved conversation, wired by the session: the persistence code loads only for a
 * chat with `persist`, reads the saved record once, and is told when something worth saving
 * changed. What is saved is the session's turns and the element's settings.
 */
import { TurnText, type ChatTurn } from '../../core/conversation.js';
import type { RestoredConversation, SavedConversation } from '../../core/saved-conversation.js';
import type { ChatPersistence } from '../../persistence/chat-persistence.js';
import type { IntentHandle, IntentInput } from '../../persistence/crash-markers.js';
import type { ChatSessionHost, ChatSettings } from './chat-session.js';

type EditableSettings = Pick<ChatSettings, 'systemPrompt' | 'maxTokens' | 'temperature'>;

/** Settings whose change is saved with the conversation. */
const SAVED_SETTINGS = ['systemPrompt', 'maxTokens', 'temperature', 'engine', 'model', 'device'] as const;

export class ChatSaving {
  /** Shown under the chat when it persists. */
  note = '';
  /** Present once the persistence code has loaded and the saved record was read. */
  private persistence: ChatPersistence | undefined;
  private starting: Promise<void> | undefined;
  /** The settings before a saved record replaced them: what "Clear" goes back to. */
  private defaults: EditableSettings | undefined;
  /** Set while "Clear" resets the element, so the reset is not saved straight back. */
  private clearing = false;

  constructor(
    private readonly host: ChatSessionHost,
    private readonly turns: {
      get(): ChatTurn[];
      /** Puts restored turns in, unless the visitor already started a conversation. */
      restore(turns: Omit<ChatTurn, 'id'>[]): void;
    },
  ) {}

  get ready(): boolean {
    return this.persistence !== undefined;
  }

  /** The element's settings changed. */
  settingsChanged(changed: ReadonlySet<PropertyKey>): void {
    if (changed.has('persist') && this.host.persist) void this.start();
    if (this.host.persist && !this.clearing && SAVED_SETTINGS.some((name) => changed.has(name))) {
      this.persistence?.changed();
    }
  }

  /** Saves at a turn boundary (`now`) or soon (while a reply streams). */
  save(now: boolean): void {
    if (!this.host.persist || this.clearing) return;
    if (now) void this.persistence?.saveNow();
    else this.persistence?.changed();
  }

  /** A crash marker for a load about to start, when the chat persists. */
  recordIntent(input: IntentInput): IntentHandle | undefined {
    return this.host.persist ? this.persistence?.recordIntent(input) : undefined;
  }

  /** Deletes the saved record after `reset` empties the chat; the element's own settings come back. */
  async clear(reset: () => void): Promise<void> {
    this.clearing = true;
    try {
      reset();
      if (this.defaults) Object.assign(this.host, this.defaults);
      await this.host.updateComplete;
    } finally {
      this.clearing = false;
    }
    await this.persistence?.clear();
    this.note = 'Cleared: nothing is saved on this device until you chat or change a setting.';
    this.host.requestUpdate();
  }

  /** Loads the persistence code and restores the saved record; once per element. */
  start(): Promise<void> {
    this.starting ??= import('../../persistence/chat-persistence.js')
      .then(async ({ ChatPersistence }) => {
        const persistence = new ChatPersistence(this.host, {
          key: () => this.host.storageKey,
          snapshot: () => this.snapshot(),
          apply: (saved) => this.apply(saved),
        });
        await persistence.restore();
        this.persistence = persistence;
      })
      .catch((error: unknown) => console.warn('[edge-llm] could not start saving the conversation:', error));
    return this.starting;
  }

  private snapshot(): Omit<SavedConversation, 'version'> {
    const { systemPrompt, maxTokens, temperature, engine, model, device } = this.host;
    return {
      savedAt: Date.now(),
      settings: { systemPrompt, maxTokens, temperature, engine, model, device },
      turns: this.turns.get().map((turn) => ({
        role: turn.role,
        text: turn.text.value,
        ...(turn.stats ? { stats: turn.stats } : {}),
        ...(turn.streaming ? { partial: true } : {}),
      })),
    };
  }

  private apply(saved: RestoredConversation): void {
    const { systemPrompt, maxTokens, temperature } = this.host;
    this.defaults = { systemPrompt, maxTokens, temperature };
    const settings = saved.settings;
    if (settings.systemPrompt !== undefined) this.host.systemPrompt = settings.systemPrompt;
    if (settings.maxTokens !== undefined) this.host.maxTokens = settings.maxTokens;
    if (settings.temperature !== undefined) this.host.temperature = settings.temperature;
    // Saved text goes back in as text, exactly like a reply that streams in.
    this.turns.restore(
      saved.turns.map((turn) => ({
        role: turn.role,
        text: new TurnText(turn.text),
        ...(turn.stats ? { stats: turn.stats } : {}),
      })),
    );
  }
}
