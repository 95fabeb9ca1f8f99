/**
 * The chat's saved conversations as the list (and a host page) uses them: open, rename, delete,
 * export, import, search. Each waits for a reply in flight to end before the conversation
 * changes, so a reply never streams into the wrong one.
 */
import type { ConversationSummary } from '../../core/conversation-index.js';
import type { ConversationMatch } from '../../core/conversation-search.js';
import { edgeError, ERROR_NAMES } from '../../core/errors.js';
import type { ChatSession } from './chat-session.js';

/** An export: what to call the file, its text and its type. */
export interface ConversationExport {
  name: string;
  text: string;
  type: string;
}

/** What the conversation list reads and asks for (see `<edge-llm-conversations>`). */
export interface ConversationLibrary {
  readonly conversations: readonly ConversationSummary[];
  readonly currentId: string | undefined;
  open(id: string): Promise<void>;
  rename(id: string, title: string): Promise<void>;
  remove(id: string): Promise<void>;
  exportAs(format: 'markdown' | 'json', id?: string): Promise<ConversationExport>;
  /** Imports a conversation file (JSON) and opens it; rejects listing every problem, one a line. */
  importText(text: string): Promise<string>;
  search(query: string): Promise<ConversationMatch[]>;
}

export class ChatConversations implements ConversationLibrary {
  constructor(private readonly session: ChatSession) {}

  get conversations(): readonly ConversationSummary[] {
    return this.session.saving.conversations;
  }

  get currentId(): string | undefined {
    return this.session.saving.currentId;
  }

  async open(id: string): Promise<void> {
    if (id === this.currentId) return;
    await this.session.settle();
    if (!(await this.session.saving.openSaved(id))) throw new Error(`There is no saved conversation "${id}".`);
    this.session.clearReplyError();
  }

  async rename(id: string, title: string): Promise<void> {
    await this.session.saving.rename(id, title.trim());
  }

  async remove(id: string): Promise<void> {
    if (id === this.currentId) await this.session.settle();
    await this.session.saving.remove(id, () => this.session.startOver());
    this.session.saving.save(true);
  }

  async exportAs(format: 'markdown' | 'json', id = this.currentId): Promise<ConversationExport> {
    const conversation = id ? await this.session.saving.read(id) : undefined;
    if (!conversation) throw new Error('There is no saved conversation to export yet: send a message first.');
    // The file formats load when first used: a chat that never exports never downloads them.
    const { conversationFileName, conversationToJson, conversationToMarkdown } =
      await import('../../core/conversation-file.js');
    return format === 'json'
      ? {
          name: conversationFileName(conversation, 'json'),
          text: conversationToJson(conversation),
          type: 'application/json',
        }
      : {
          name: conversationFileName(conversation, 'md'),
          text: conversationToMarkdown(conversation),
          type: 'text/markdown',
        };
  }

  async importText(text: string): Promise<string> {
    const { readConversationFile } = await import('../../core/conversation-file.js');
    const read = readConversationFile(text);
    if (!read.ok) throw edgeError(ERROR_NAMES.conversationFileInvalid, read.problems.join('\n'));
    const id = await this.session.saving.add(read.conversation);
    await this.open(id);
    return id;
  }

  async search(query: string): Promise<ConversationMatch[]> {
    const [{ searchConversations }, conversations] = await Promise.all([
      import('../../core/conversation-search.js'),
      this.session.saving.readAll(),
    ]);
    return searchConversations(conversations, query);
  }
}
