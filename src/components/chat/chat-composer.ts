/**
 * The chat's message box: the form with Send or Stop, the note while the last message is being
 * edited, the keyboard hint, and the "Keyboard shortcuts" list. A view: the element owns the state
 * and handles the events.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { shortcutList } from '../../core/chat-shortcuts.js';

export interface ComposerState {
  generating: boolean;
  /** A model is named, so a message can be sent (loading it first if needed). */
  canSend: boolean;
  /** The last message is in the box, to be replaced when sent. */
  editing: boolean;
  /** A Mac keyboard: shortcuts are shown with ⌘. */
  mac: boolean;
}

export interface ComposerHandlers {
  submit(event: SubmitEvent): void;
  stop(): void;
  cancelEdit(): void;
}

/** True on a Mac keyboard, where ⌘ plays Ctrl's part. */
export function isMac(): boolean {
  const platform =
    (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ?? navigator.platform;
  return /mac|iphone|ipad/i.test(platform);
}

export function renderComposer(state: ComposerState, handlers: ComposerHandlers): TemplateResult {
  const shortcuts = shortcutList(state.mac);
  return html`
    ${
      state.editing
        ? html`<p class="editing" aria-live="polite">
            Editing your last message: sending it replaces the message and its reply.
            <button type="button" data-action="cancel-edit" @click=${handlers.cancelEdit}>Cancel editing</button>
          </p>`
        : nothing
    }
    <form @submit=${handlers.submit}>
      <label class="visually-hidden" for="message">${state.editing ? 'Edit your last message' : 'Message'}</label>
      <textarea
        id="message"
        name="message"
        part="input"
        rows="2"
        placeholder="Message the model"
        aria-describedby="message-hint"
      ></textarea>
      ${
        state.generating
          ? html`<button type="button" part="stop-button" data-action="stop" @click=${handlers.stop}>Stop</button>`
          : html`<button
              type="submit"
              part="send-button"
              class="primary"
              data-action="send"
              ?disabled=${!state.canSend}
            >
              ${state.editing ? 'Send edit' : 'Send'}
            </button>`
      }
    </form>
    <div class="keys">
      <p id="message-hint" class="hint">Enter sends · Shift+Enter adds a line · Esc stops a reply</p>
      <details class="shortcuts">
        <summary>Keyboard shortcuts</summary>
        <dl>
          ${shortcuts.map(
            ({ keys, action }) =>
              html`<div>
                <dt><kbd>${keys}</kbd></dt>
                <dd>${action}</dd>
              </div>`,
          )}
        </dl>
      </details>
    </div>
  `;
}

export const composerStyles = css`
  form {
    display: flex;
    gap: 0.5em;
    align-items: flex-end;
  }
  form textarea {
    flex: 1;
    min-height: 2.6em;
    max-height: 10em;
    resize: vertical;
    padding: 0.5em 0.7em;
    border-radius: calc(var(--_radius) * 0.7);
  }
  .editing {
    margin: 0;
    font-size: 0.9em;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
  }
  .keys {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em 1em;
    align-items: baseline;
    justify-content: space-between;
    font-size: 0.8em;
    color: var(--_muted);
  }
  .hint {
    margin: 0;
  }
  .shortcuts dl {
    display: grid;
    gap: 0.2em;
    margin: 0.4em 0 0;
  }
  .shortcuts dl > div {
    display: flex;
    gap: 0.6em;
  }
  .shortcuts dt {
    min-width: 8em;
  }
  .shortcuts dd {
    margin: 0;
  }
  kbd {
    font-family: var(--_mono);
    font-size: 0.95em;
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 0 0.3em;
  }
`;
