/**
 * How every element reports a failure: describe it for a person, log the original (nothing is
 * swallowed), and tell the host page through `edge-llm-error`.
 */
import { serializeError } from '../core/errors.js';
import { describeError, type ErrorContext, type FriendlyError } from '../core/error-messages.js';
import { EdgeLlmErrorEvent } from '../events.js';

/** Reports `error` from `host` and returns the explanation to show. */
export function reportError(host: EventTarget, error: unknown, context: ErrorContext = {}): FriendlyError {
  const friendly = describeError(serializeError(error), context);
  console.error(`[edge-llm] ${friendly.code}:`, error);
  host.dispatchEvent(
    new EdgeLlmErrorEvent({
      code: friendly.code,
      title: friendly.title,
      message: friendly.message,
      actions: friendly.actions,
    }),
  );
  return friendly;
}
