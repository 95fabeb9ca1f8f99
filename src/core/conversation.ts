/**
 * A conversation as data: turns whose text grows while a reply streams. No DOM here: the
 * transcript view turns each turn's text into nodes and follows its appends.
 */
import type { GenerationStats } from '../shared/engine-api.js';
import type { PlanTurn } from './context-plan.js';

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

/**
 * A reply's figures as a turn keeps them: what the transcript shows, and the rest of the
 * statistics when the reply was generated here (an imported conversation brings only these).
 */
export type TurnStats = Pick<GenerationStats, 'outputTokens' | 'decodeTokensPerSecond' | 'ttftMs' | 'finishReason'> &
  Partial<GenerationStats>;

export interface ChatTurn {
  /** Stable within a page, so the view can keep a turn's nodes across renders. */
  id: number;
  role: 'user' | 'assistant';
  text: TurnText;
  stats?: TurnStats;
  /** True while the reply is still streaming in. */
  streaming?: boolean;
}

/** How many turns before `memoryStart` have text: what the transcript says the model no longer sees. */
export function forgottenMessages(turns: readonly ChatTurn[], memoryStart: number): number {
  return turns.slice(0, memoryStart).filter((turn) => turn.text.value !== '').length;
}

/**
 * The turns of one conversation, and where the model's memory of it begins. Turns get ids that
 * stay stable while the page is open, so views keep their nodes across renders.
 */
export class Conversation {
  turns: ChatTurn[] = [];
  /** Turns before this index are no longer shown to the model (see context-plan.ts). */
  memoryStart = 0;
  private nextId = 1;

  /** Replaces every turn (a saved conversation coming back), with fresh ids. */
  replace(turns: readonly Omit<ChatTurn, 'id'>[], memoryStart: number): void {
    this.turns = turns.map((turn) => ({ ...turn, id: this.nextId++ }));
    this.memoryStart = Math.min(Math.max(0, memoryStart), this.turns.length);
  }

  clear(): void {
    this.replace([], 0);
  }

  /** The index of the last message the person sent; -1 when there is none. */
  lastUserIndex(): number {
    return this.turns.findLastIndex((turn) => turn.role === 'user');
  }

  /** The turns before `from` as the prompt planner reads them (a reply still streaming has no text yet). */
  planTurns(from: number): PlanTurn[] {
    return this.turns
      .slice(0, from)
      .map((turn) => ({ role: turn.role, content: turn.streaming ? '' : turn.text.value }));
  }

  /**
   * Replaces the turns from `from` on with the message `content` and an empty reply that streams
   * in; returns the reply.
   */
  begin(from: number, content: string): ChatTurn {
    const reply: ChatTurn = { id: this.nextId++, role: 'assistant', text: new TurnText(), streaming: true };
    this.turns = [
      ...this.turns.slice(0, from),
      { id: this.nextId++, role: 'user', text: new TurnText(content) },
      reply,
    ];
    return reply;
  }

  /** A new array of the same turns, so views that compare by identity draw again. */
  touch(): void {
    this.turns = [...this.turns];
  }
}
