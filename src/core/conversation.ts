/**
 * A conversation as data: turns whose text grows while a reply streams. No DOM here: the
 * transcript view turns each turn's text into nodes and follows its appends.
 */
import type { ChatMessage, GenerationStats } from '../shared/engine-api.js';

/** Text that only grows, with listeners told of each piece appended. */
export class TurnText {
  private text: string;
  private readonly listeners = new Set<(piece: string) => void>();

  constructor(initial = '') {
    this.text = initial;
  }

  get value(): string {
    return this.text;
  }

  append(piece: string): void {
    if (!piece) return;
    this.text += piece;
    for (const listener of this.listeners) listener(piece);
  }

  /** Calls `listener` with every piece appended from now on; returns the unsubscribe. */
  onAppend(listener: (piece: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface ChatTurn {
  /** Stable within a page, so the view can keep a turn's nodes across renders. */
  id: number;
  role: 'user' | 'assistant';
  text: TurnText;
  stats?: GenerationStats;
  /** True while the reply is still streaming in. */
  streaming?: boolean;
}

/** The finished turns as messages for the engine (a reply still streaming is not history yet). */
export function historyMessages(turns: readonly ChatTurn[]): ChatMessage[] {
  return turns
    .filter((turn) => !turn.streaming && turn.text.value !== '')
    .map((turn) => ({ role: turn.role, content: turn.text.value }));
}

/** The messages for a new reply: the system prompt (when set), the history, the new message. */
export function promptMessages(systemPrompt: string, history: ChatMessage[], content: string): ChatMessage[] {
  const system = systemPrompt.trim();
  return [...(system ? [{ role: 'system' as const, content: system }] : []), ...history, { role: 'user', content }];
}
