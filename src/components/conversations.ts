import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ConversationSummary } from '../core/conversation-index.js';
import { ERROR_NAMES } from '../core/errors.js';
import type { ConversationLibrary } from './chat/chat-conversations.js';
import { saveFile } from './save-file.js';
import { formStyles } from './shared-styles.js';
import { themeStyles } from './theme.js';

/** Larger files are refused before they are read: a real conversation is far smaller. */
const IMPORT_LIMIT_BYTES = 20 * 2 ** 20;
const SEARCH_DELAY_MS = 150;

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A chat's saved conversations: open one, search them by title and text, rename, delete (after a
 * confirmation), export as Markdown or JSON, and import a JSON file. The chat with `persist`
 * shows it in its Conversations panel and gives it the conversations to show.
 *
 * @summary The list of a chat's saved conversations.
 * @csspart conversations - The list and its controls.
 */
export class EdgeLlmConversations extends LitElement {
  static override styles = [
    themeStyles,
    formStyles,
    css`
      :host {
        display: block;
      }
      [part='conversations'] {
        display: grid;
        gap: 0.6em;
      }
      ul.list {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4em;
        max-height: 22rem;
        overflow-y: auto;
      }
      li {
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) * 0.7);
        padding: 0.4em 0.5em;
        display: grid;
        gap: 0.3em;
      }
      li[data-current] {
        border-color: var(--_accent);
        border-width: 2px;
      }
      button.open {
        text-align: left;
        border: none;
        padding: 0.2em 0.1em;
        background: none;
        display: grid;
        min-height: 2.75em;
      }
      .title {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .meta,
      .snippet {
        font-size: 0.8em;
        color: var(--_muted);
        margin: 0;
        overflow-wrap: anywhere;
      }
      .row-actions button,
      .confirm button {
        font-size: 0.85em;
        padding: 0.25em 0.6em;
      }
      @media (pointer: coarse) {
        .row-actions button,
        .confirm button {
          min-height: 44px;
        }
      }
      button.danger {
        border-color: var(--_danger);
        color: var(--_danger);
      }
      .problems {
        color: var(--_danger);
        font-size: 0.9em;
      }
      .problems ul {
        margin: 0.2em 0 0;
        padding-left: 1.2em;
      }
      form.rename {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4em;
        align-items: end;
      }
    `,
  ];

  /** What the list shows and asks for: the chat's saved conversations. */
  @property({ attribute: false }) library: ConversationLibrary | undefined;
  /** The conversations to list, newest first (the chat sets them whenever they change). */
  @property({ attribute: false }) conversations: readonly ConversationSummary[] = [];
  /** The id of the conversation open in the chat. */
  @property({ attribute: false }) current: string | undefined;

  @state() private query = '';
  /** Snippets of the conversations that match the query, by id; undefined while not searching. */
  @state() private found: Map<string, string | undefined> | undefined;
  @state() private renaming: string | undefined;
  @state() private confirming: string | undefined;
  @state() private note = '';
  @state() private problems: string[] = [];
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private searchRequest = 0;

  protected override updated(changed: Map<PropertyKey, unknown>) {
    // The list changed (a reply saved, a conversation added): the results must follow it.
    if (changed.has('conversations') && this.query.trim()) this.scheduleSearch();
  }

  override render() {
    const shown = this.found ? this.conversations.filter((entry) => this.found!.has(entry.id)) : this.conversations;
    return html`<div part="conversations">
      <div role="search">
        <label
          >Search conversations
          <input
            type="search"
            name="search"
            placeholder="Words in a title or a message"
            .value=${this.query}
            @input=${this.onSearchInput}
          />
        </label>
      </div>
      <p class="meta note" aria-live="polite">${this.note}</p>
      ${
        shown.length > 0
          ? html`<ul class="list" aria-label="Saved conversations">
              ${shown.map((entry) => this.renderRow(entry))}
            </ul>`
          : html`<p class="meta">
              ${this.conversations.length === 0 ? 'No saved conversations yet.' : 'No conversation matches.'}
            </p>`
      }
      <label
        >Import a conversation (JSON file)
        <input type="file" name="import" accept=".json,application/json" @change=${this.onImport} />
      </label>
      ${
        this.problems.length > 0
          ? html`<div class="problems" role="alert">
              The file was not imported:
              <ul>
                ${this.problems.map((problem) => html`<li>${problem}</li>`)}
              </ul>
            </div>`
          : nothing
      }
    </div>`;
  }

  private renderRow(entry: ConversationSummary) {
    const current = entry.id === this.current;
    const snippet = this.found?.get(entry.id);
    const hidden = (text: string) => html`<span class="visually-hidden">${text}</span>`;
    return html`<li data-id=${entry.id} ?data-current=${current}>
      ${
        this.renaming === entry.id
          ? html`<form class="rename" @submit=${(event: Event) => this.onRename(event, entry)}>
              <label
                >New title
                <input name="title" required maxlength="200" .value=${entry.title} @keydown=${this.onRenameKey} />
              </label>
              <button type="submit" class="primary">Save title</button>
              <button type="button" @click=${() => this.stopRenaming(entry.id)}>Cancel</button>
            </form>`
          : html`<button
              type="button"
              class="open"
              data-action="open"
              aria-current=${current ? 'true' : 'false'}
              @click=${() => this.run(() => this.library!.open(entry.id), '')}
            >
              <span class="title">${entry.title}</span>
              <span class="meta"
                >${when(entry.savedAt)} · ${entry.messages}
                ${entry.messages === 1 ? 'message' : 'messages'}${
                  entry.model ? ` · ${entry.model}` : ''
                }${current ? ' · open now' : ''}</span
              >
            </button>`
      }
      ${snippet ? html`<p class="snippet">${snippet}</p>` : nothing}
      ${
        this.confirming === entry.id
          ? html`<div class="confirm actions" role="group" aria-labelledby="confirm-${entry.id}">
              <span id="confirm-${entry.id}">Delete “${entry.title}”? This cannot be undone.</span>
              <button type="button" class="danger" data-action="confirm-delete" @click=${() => this.onDelete(entry)}>
                Delete
              </button>
              <button type="button" data-action="keep" @click=${() => this.stopConfirming(entry.id)}>Keep it</button>
            </div>`
          : html`<div class="row-actions actions">
              <button type="button" data-action="rename" @click=${() => this.startRenaming(entry.id)}>
                Rename${hidden(` “${entry.title}”`)}
              </button>
              <button type="button" data-action="export-markdown" @click=${() => this.onExport(entry, 'markdown')}>
                Export .md${hidden(` of “${entry.title}”`)}
              </button>
              <button type="button" data-action="export-json" @click=${() => this.onExport(entry, 'json')}>
                Export .json${hidden(` of “${entry.title}”`)}
              </button>
              <button type="button" class="danger" data-action="delete" @click=${() => this.startConfirming(entry.id)}>
                Delete${hidden(` “${entry.title}”`)}
              </button>
            </div>`
      }
    </li>`;
  }

  /** Runs an action on the library; says what went wrong where it fails, or `done` where it works. */
  private async run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    if (!this.library) return false;
    try {
      await action();
      this.note = done;
      return true;
    } catch (error) {
      this.note = `That did not work: ${(error as Error).message}`;
      return false;
    }
  }

  private onSearchInput(event: Event) {
    this.query = (event.target as HTMLInputElement).value;
    this.scheduleSearch();
  }

  private scheduleSearch() {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.search(), SEARCH_DELAY_MS);
  }

  private async search() {
    const request = ++this.searchRequest;
    const query = this.query.trim();
    if (!query || !this.library) {
      this.found = undefined;
      this.note = '';
      return;
    }
    const matches = await this.library.search(query).catch(() => []);
    if (request !== this.searchRequest) return;
    this.found = new Map(matches.map((match) => [match.id, match.snippet]));
    this.note = `${matches.length} of ${this.conversations.length} conversations match “${query}”.`;
  }

  private async focusIn(id: string, selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"] ${selector}`)?.focus();
  }

  private startRenaming(id: string) {
    this.renaming = id;
    void this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector<HTMLInputElement>('form.rename input');
      input?.focus();
      input?.select();
    });
  }

  private stopRenaming(id: string) {
    this.renaming = undefined;
    void this.focusIn(id, '[data-action="rename"]');
  }

  private onRenameKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !this.renaming) return;
    // Escape belongs to this box here: the chat must not also take it (stop, cancel an edit).
    event.stopPropagation();
    this.stopRenaming(this.renaming);
  };

  private async onRename(event: Event, entry: ConversationSummary) {
    event.preventDefault();
    const title = new FormData(event.target as HTMLFormElement).get('title');
    if (await this.run(() => this.library!.rename(entry.id, String(title)), 'Renamed.')) this.stopRenaming(entry.id);
  }

  private startConfirming(id: string) {
    this.confirming = id;
    void this.focusIn(id, '[data-action="keep"]');
  }

  private stopConfirming(id: string) {
    this.confirming = undefined;
    void this.focusIn(id, '[data-action="delete"]');
  }

  private async onDelete(entry: ConversationSummary) {
    this.confirming = undefined;
    await this.run(() => this.library!.remove(entry.id), `Deleted “${entry.title}”.`);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('button.open, input[type="search"]')?.focus();
  }

  private async onExport(entry: ConversationSummary, format: 'markdown' | 'json') {
    await this.run(async () => {
      const file = await this.library!.exportAs(format, entry.id);
      saveFile(file.name, file.text, file.type);
      this.note = `Saved ${file.name}.`;
    }, '');
  }

  private async onImport(event: Event) {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    this.problems = [];
    if (!file || !this.library) return;
    if (file.size > IMPORT_LIMIT_BYTES) {
      this.problems = [`The file is ${(file.size / 2 ** 20).toFixed(0)} MB; a conversation file is at most 20 MB.`];
      return;
    }
    try {
      await this.library.importText(await file.text());
      this.note = `Imported ${file.name}: it is open in the chat.`;
    } catch (error) {
      const { name, message } = error as Error;
      this.problems = name === ERROR_NAMES.conversationFileInvalid ? message.split('\n') : [message];
    }
  }
}
