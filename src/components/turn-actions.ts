/**
 * What the transcript shows around a message besides its text: the buttons under it (copy, and on
 * the last exchange regenerate and edit) and the line that marks where the model's memory begins.
 * The transcript loads this module (copying included) with its first message, outside the first
 * bundle.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { ChatTurn } from '../core/conversation.js';
import type { TurnAction } from '../events.js';

export { copyText, selectText } from './copy-text.js';

/** Where a turn stands in the conversation, which decides its buttons. */
export interface TurnPlace {
  /** The last message the person sent. */
  lastUser: boolean;
  /** The last reply. */
  lastReply: boolean;
  /** A reply is streaming: nothing can be regenerated or edited until it ends. */
  busy: boolean;
  /** What the copy button says now: "Copied", "Select and copy", or nothing (its own label). */
  copyNote: string | undefined;
}

export interface TurnHandlers {
  copy(turn: ChatTurn, article: HTMLElement): void;
  act(turn: ChatTurn, action: TurnAction): void;
}

/** "3 earlier messages are no longer visible to the model." */
export function forgottenText(count: number): string {
  return `${count} earlier ${count === 1 ? 'message is' : 'messages are'} no longer visible to the model`;
}

/** The separator before the first message the model still sees, read aloud by its label. */
export function memorySeparator(count: number): TemplateResult {
  const text = forgottenText(count);
  return html`<div class="memory-start" role="separator" aria-label=${`${text}.`} data-forgotten=${count}>
    <span aria-hidden="true">${text}</span>
  </div>`;
}

export function turnActions(turn: ChatTurn, place: TurnPlace, handlers: TurnHandlers): TemplateResult | typeof nothing {
  if (turn.streaming) return nothing;
  const whose = turn.role === 'user' ? 'your message' : 'the reply';
  return html`<div class="turn-actions">
    <button
      type="button"
      data-action="copy"
      aria-label=${place.copyNote ? `${place.copyNote}: ${whose}` : `Copy ${whose}`}
      @click=${(event: Event) => handlers.copy(turn, (event.currentTarget as HTMLElement).closest('article')!)}
    >
      ${place.copyNote ?? 'Copy'}
    </button>
    ${
      place.lastReply && !place.busy
        ? html`<button type="button" data-action="regenerate" @click=${() => handlers.act(turn, 'regenerate')}>
            Regenerate
          </button>`
        : nothing
    }
    ${
      place.lastUser && !place.busy
        ? html`<button
            type="button"
            data-action="edit"
            aria-label="Edit your last message"
            @click=${() => handlers.act(turn, 'edit')}
          >
            Edit
          </button>`
        : nothing
    }
  </div>`;
}

export const turnActionStyles = css`
  .turn-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em;
    margin-top: 0.35em;
  }
  .turn-actions button {
    font-size: 0.8em;
    min-height: 2em;
    padding: 0.15em 0.6em;
    border-radius: calc(var(--_radius, 10px) * 0.6);
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  @media (pointer: coarse) {
    .turn-actions button {
      min-height: 44px;
      min-width: 44px;
    }
  }
  .turn-actions button:focus-visible {
    outline: 3px solid var(--_accent, #2563eb);
    outline-offset: 2px;
  }
  article.user .turn-actions button:focus-visible {
    outline-color: var(--_accent-text, #fff);
  }
  .memory-start {
    display: flex;
    align-items: center;
    gap: 0.6em;
    font-size: 0.8em;
    color: var(--_muted, #5b6270);
    text-align: center;
  }
  .memory-start::before,
  .memory-start::after {
    content: '';
    flex: 1;
    border-top: 1px dashed var(--_border, #d5d9e0);
  }
`;
