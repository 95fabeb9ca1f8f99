/**
 * Registers `<edge-llm-conversations>` (guarded, see register.ts). A chat with `persist` loads it
 * when its Conversations panel is first opened, so neither the library nor the app downloads the
 * list, search and file formats before they are wanted.
 */
import { EdgeLlmConversations } from './components/conversations.js';
import { registerElements } from './register.js';

registerElements([['edge-llm-conversations', EdgeLlmConversations]]);

export { EdgeLlmConversations };

declare global {
  interface HTMLElementTagNameMap {
    'edge-llm-conversations': EdgeLlmConversations;
  }
}
