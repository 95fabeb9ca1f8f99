import { describe, expect, it } from 'vitest';
import { shortcutFor, shortcutList, type ChatKeyContext, type KeyPress } from '../../src/core/chat-shortcuts.js';

const press = (key: string, modifiers: Partial<KeyPress> = {}): KeyPress => ({
  key,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  isComposing: false,
  ...modifiers,
});

const context = (overrides: Partial<ChatKeyContext> = {}): ChatKeyContext => ({
  inMessageBox: true,
  generating: false,
  editing: false,
  mac: false,
  ...overrides,
});

describe('shortcutFor', () => {
  it('sends on Enter in the message box, and leaves Shift+Enter to type a new line', () => {
    expect(shortcutFor(press('Enter'), context())).toBe('send');
    expect(shortcutFor(press('Enter', { shiftKey: true }), context())).toBeUndefined();
    expect(shortcutFor(press('Enter'), context({ inMessageBox: false }))).toBeUndefined();
    expect(shortcutFor(press('Enter', { ctrlKey: true }), context())).toBeUndefined();
  });

  it('never acts while an input method composes text', () => {
    expect(shortcutFor(press('Enter', { isComposing: true }), context())).toBeUndefined();
    expect(shortcutFor(press('Escape', { isComposing: true }), context({ generating: true }))).toBeUndefined();
  });

  it('stops a reply on Escape, or stops editing, and otherwise lets Escape be', () => {
    expect(shortcutFor(press('Escape'), context({ generating: true, inMessageBox: false }))).toBe('stop');
    expect(shortcutFor(press('Escape'), context({ editing: true }))).toBe('cancel-edit');
    expect(shortcutFor(press('Escape'), context())).toBeUndefined();
  });

  it('starts a new conversation on Ctrl+Shift+O, ⌘+Shift+O on a Mac, from anywhere in the chat', () => {
    expect(shortcutFor(press('O', { ctrlKey: true, shiftKey: true }), context({ inMessageBox: false }))).toBe(
      'new-conversation',
    );
    expect(shortcutFor(press('o', { metaKey: true, shiftKey: true }), context({ mac: true }))).toBe('new-conversation');
    expect(shortcutFor(press('o', { ctrlKey: true, shiftKey: true }), context({ mac: true }))).toBeUndefined();
    expect(shortcutFor(press('o', { ctrlKey: true }), context())).toBeUndefined();
    expect(shortcutFor(press('O', { ctrlKey: true, shiftKey: true, altKey: true }), context())).toBeUndefined();
  });
});

describe('shortcutList', () => {
  it('names the keys the way the keyboard in front of the person does', () => {
    expect(shortcutList(false).map((entry) => entry.keys)).toEqual(['Enter', 'Shift+Enter', 'Esc', 'Ctrl+Shift+O']);
    expect(shortcutList(true).at(-1)).toEqual({ keys: '⌘+Shift+O', action: 'New conversation' });
  });
});
