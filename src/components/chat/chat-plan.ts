/**
 * A reply's prompt, planned to fit the context window with the loaded engine's own count. The
 * planner (core/context-plan.ts) loads with the first reply, not with the page: nothing before
 * needs it.
 */
import type { EngineLease } from '../../client/engine-pool.js';
import type { ContextPlanInput } from '../../core/context-plan.js';
import type { ChatMessage } from '../../shared/engine-api.js';

export interface ReplyPlan {
  messages: ChatMessage[];
  /** The first turn the model still sees. */
  memoryStart: number;
}

/** Plans the prompt; rejects with a `MessageTooLongError` when the message cannot fit on its own. */
export async function planReply(lease: EngineLease, input: ContextPlanInput): Promise<ReplyPlan> {
  const { planContext, messageTooLongError } = await import('../../core/context-plan.js');
  const plan = await planContext(input, async (prompt) => (await lease.countPromptTokens(prompt)).tokens);
  if (!plan.fits) throw messageTooLongError(plan, input.message);
  return { messages: plan.messages, memoryStart: plan.memoryStart };
}
