/**
 * Searching saved conversations by title and text. Pure.
 *
 * Every word of the query must appear somewhere in a conversation (its title or any message),
 * ignoring case and accents, so "tide moon" finds a conversation that mentions both in different
 * messages. A match brings the words around its first hit in a message, to show why it matched.
 */
import type { SavedConversation } from './saved-conversation.js';

export interface ConversationMatch {
  id: string;
  /** The words around the first hit in a message; undefined when only the title matched. */
  snippet: string | undefined;
}

const SNIPPET_CHARS = 90;

/** Lower case without accents; one character in, one out, so offsets still point into the text. */
function fold(text: string): string {
  return Array.from(text, (char) => {
    const base = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    return base.length === 1 ? base.toLowerCase() : char.toLowerCase().slice(0, 1) || char;
  }).join('');
}

function snippetAt(text: string, at: number): string {
  const start = Math.max(0, at - SNIPPET_CHARS / 3);
  const line = text
    .slice(start, start + SNIPPET_CHARS)
    .replace(/\s+/g, ' ')
    .trim();
  return `${start > 0 ? '…' : ''}${line}${start + SNIPPET_CHARS < text.length ? '…' : ''}`;
}

/** The conversations matching `query`, in the order given; all of them for an empty query. */
export function searchConversations(conversations: readonly SavedConversation[], query: string): ConversationMatch[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return conversations.map((conversation) => ({ id: conversation.id, snippet: undefined }));
  const matches: ConversationMatch[] = [];
  for (const conversation of conversations) {
    const title = fold(conversation.title);
    const texts = conversation.turns.map((turn) => fold(turn.text));
    const found = words.every((word) => title.includes(word) || texts.some((text) => text.includes(word)));
    if (!found) continue;
    const hit = words
      .flatMap((word) => texts.map((text, index) => ({ index, at: text.indexOf(word) })))
      .find(({ at }) => at >= 0);
    matches.push({
      id: conversation.id,
      snippet: hit ? snippetAt(conversation.turns[hit.index]!.text, hit.at) : undefined,
    });
  }
  return matches;
}
