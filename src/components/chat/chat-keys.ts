/**
 * The chat's message box as a controller: sending, editing the last message, and the keyboard
 * shortcuts (core/chat-shortcuts.ts), taken while the focus is anywhere inside the chat. The
 * element renders the box through {@link ComposerController.render} and knows nothing of keys.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { shortcutFor } from '../../core/chat-shortcuts.js';
import { isMac, renderComposer } from './chat-composer.js';

/** What the message box asks of the chat. */
export interface ComposerActions {
  send(text: string): Promise<unknown>;
  editLastMessage(text: string): Promise<unknown>;
  stop(): void;
  newConversation(): void;
  generating(): boolean;
  canSend(): boolean;
  /** The text of the last message sent, to edit. */
  lastMessage(): string | undefined;
  /** True when the last send failed because the message is too long: it goes back into the box. */
  tooLong(): boolean;
}

export class ComposerController implements ReactiveController {
  /** The last message is in the box, to be replaced when sent. */
  editing = false;
  private readonly mac = isMac();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment },
    private readonly actions: ComposerActions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.onKeyDown);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.onKeyDown);
  }

  /** `aria-keyshortcuts` of the New conversation button. */
  get newConversationKeys(): string {
    return this.mac ? 'Meta+Shift+O' : 'Control+Shift+O';
  }

  render() {
    return renderComposer(
      { generating: this.actions.generating(), canSend: this.actions.canSend(), editing: this.editing, mac: this.mac },
      { submit: (event) => this.submit(event), stop: () => this.actions.stop(), cancelEdit: () => this.cancelEdit() },
    );
  }

  /** Puts the last message in the box to be edited and resent. */
  editLast(): void {
    const text = this.actions.lastMessage();
    if (text === undefined) return;
    this.setEditing(true);
    const input = this.input();
    if (!input) return;
    input.value = text;
    input.focus();
    input.setSelectionRange(text.length, text.length);
  }

  cancelEdit(): void {
    this.setEditing(false);
    const input = this.input();
    if (input) input.value = '';
    input?.focus();
  }

  /** A new conversation: nothing is being edited any more. */
  reset(): void {
    this.setEditing(false);
  }

  private input(): HTMLTextAreaElement | null {
    return this.host.renderRoot.querySelector<HTMLTextAreaElement>('textarea[name="message"]');
  }

  private setEditing(editing: boolean): void {
    this.editing = editing;
    this.host.requestUpdate();
  }

  private submit(event: Event): void {
    event.preventDefault();
    const input = this.input();
    const text = input?.value ?? '';
    if (!input || !text.trim() || this.actions.generating()) return;
    input.value = '';
    const editing = this.editing;
    this.setEditing(false);
    const reply = editing ? this.actions.editLastMessage(text) : this.actions.send(text);
    void reply.catch(() => {
      // A message too long to send stays in the box, to be shortened.
      if (this.actions.tooLong() && input.value === '') {
        input.value = text;
        this.setEditing(editing);
      }
    });
  }

  private readonly onKeyDown = (event: KeyboardEvent) => {
    const shortcut = shortcutFor(event, {
      inMessageBox: event.composedPath()[0] === this.input(),
      generating: this.actions.generating(),
      editing: this.editing,
      mac: this.mac,
    });
    if (!shortcut) return;
    event.preventDefault();
    if (shortcut === 'send') this.host.renderRoot.querySelector('form')?.requestSubmit();
    else if (shortcut === 'stop') this.actions.stop();
    else if (shortcut === 'cancel-edit') this.cancelEdit();
    else {
      this.actions.newConversation();
      this.input()?.focus();
    }
  };
}
