/**
 * A prompt counted the way web-llm reads it, for the engine interface's `countPromptTokens`.
 *
 * web-llm (0.2.x) has no public way to count a prompt without generating. Its pipeline holds the
 * model's tokenizer and conversation template, and its prefill (`LLMChatPipeline.getInputData`)
 * tokenizes `Conversation.getPromptArray()` piece by piece after the template's
 * `system_prefix_token_ids`. This does the same on a fresh `Conversation` of the same template,
 * reaching into fields web-llm keeps private, each checked: when one is missing (another web-llm
 * version) it answers undefined and the worker estimates instead. It touches neither the KV cache
 * nor the conversation web-llm keeps between turns, so its cache reuse is unaffected.
 */
import type { ChatMessage } from '../../src/shared/engine-api.js';

interface WebLlmConversation {
  config: { system_prefix_token_ids?: number[] | null };
  override_system_message?: string;
  appendMessage(role: string, message: string): void;
  appendReplyHeader(role: string): void;
  getPromptArray(config?: unknown): (string | unknown[])[];
}

interface WebLlmPipeline {
  tokenizer?: { encode(text: string): ArrayLike<number> };
  config?: unknown;
  getConversationObject?(): WebLlmConversation;
}

/** The private parts of `MLCEngine` read here. */
interface WebLlmEngineInternals {
  loadedModelIdToPipeline?: Map<string, WebLlmPipeline>;
}

/**
 * Tokens of `messages` as web-llm would prefill them for a reply with `modelId` loaded, or
 * undefined when this web-llm does not expose what counting needs (or the prompt has parts that
 * are not text).
 */
export function countWebLlmPrompt(engine: unknown, modelId: string, messages: ChatMessage[]): number | undefined {
  const pipeline = (engine as WebLlmEngineInternals | undefined)?.loadedModelIdToPipeline?.get(modelId);
  const tokenizer = pipeline?.tokenizer;
  const current = pipeline?.getConversationObject?.();
  if (!pipeline || typeof tokenizer?.encode !== 'function' || !current) return undefined;
  try {
    const Conversation = current.constructor as new (config: unknown, isTextCompletion: boolean) => WebLlmConversation;
    const conversation = new Conversation(current.config, false);
    for (const message of messages) {
      if (message.role === 'system') conversation.override_system_message = message.content;
      else conversation.appendMessage(message.role, message.content);
    }
    conversation.appendReplyHeader('assistant');
    let tokens = conversation.config.system_prefix_token_ids?.length ?? 0;
    for (const piece of conversation.getPromptArray(pipeline.config)) {
      if (typeof piece !== 'string') return undefined;
      tokens += tokenizer.encode(piece).length;
    }
    return tokens;
  } catch (error) {
    console.warn('[edge-llm] web-llm could not count the prompt; estimating instead:', error);
    return undefined;
  }
}
