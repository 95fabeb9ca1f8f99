/**
 * The chat's keyboard shortcuts, named once: what a key press means, and the list the UI shows.
 * Pure.
 *
 * New conversation is Ctrl+Shift+O (⌘⇧O on a Mac), as ChatGPT has it: Ctrl+N, Ctrl+T and
 * Ctrl+Shift+N belong to the browser and cannot be taken by a page; Alt+N types "˜" on a Mac
 * keyboard. Ctrl+Shift+O opens the bookmarks manager in Chrome and Firefox, which is why it is
 * taken only while the focus is inside the chat, never page-wide.
 */

export type ChatShortcut = 'send' | 'stop' | 'cancel-edit' | 'new-conversation';

/** The parts of a `KeyboardEvent` the shortcuts read. */
export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** True while an input method is composing (Japanese, Chinese…): Enter then confirms the text. */
  isComposing: boolean;
}

export interface ChatKeyContext {
  /** The key was pressed in the message box. */
  inMessageBox: boolean;
  generating: boolean;
  /** The last message is being edited in the message box. */
  editing: boolean;
  /** A Mac keyboard: ⌘ stands for Ctrl. */
  mac: boolean;
}

/** What a key press asks the chat to do, or undefined when it is not a shortcut (the key types). */
export function shortcutFor(press: KeyPress, context: ChatKeyContext): ChatShortcut | undefined {
  if (press.isComposing) return undefined;
  const command = context.mac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey;
  if (command && press.shiftKey && !press.altKey && press.key.toLowerCase() === 'o') return 'new-conversation';
  if (press.key === 'Escape' && !press.shiftKey && !command && !press.altKey) {
    if (context.generating) return 'stop';
    if (context.editing) return 'cancel-edit';
    return undefined;
  }
  const plainEnter = press.key === 'Enter' && !press.shiftKey && !press.ctrlKey && !press.metaKey && !press.altKey;
  if (plainEnter && context.inMessageBox) return 'send';
  return undefined;
}

/** The shortcuts as the "Keyboard shortcuts" list shows them. */
export function shortcutList(mac: boolean): { keys: string; action: string }[] {
  return [
    { keys: 'Enter', action: 'Send the message' },
    { keys: 'Shift+Enter', action: 'New line in the message' },
    { keys: 'Esc', action: 'Stop the reply (or stop editing your last message)' },
    { keys: mac ? '⌘+Shift+O' : 'Ctrl+Shift+O', action: 'New conversation' },
  ];
}
