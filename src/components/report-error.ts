/**
 * How every element reports a failure: describe it for a person, log the original (nothing is
 * swallowed), and tell the host page through `edge-llm-error`.
 *
 * The descriptions (core/error-messages.ts) are the largest module a chat would otherwise load
 * before a model is chosen, and they are needed only once something fails, so they load later:
 * a chat asks for them as a load starts, the app, the benchmark and the evaluation as they start.
 * A failure met before they arrive is shown at once with its code and the browser's words, and
 * described (event, log, `onDescribed`) as soon as they do; if they cannot be fetched at all, the
 * first report stands.
 */
import { classifyError, serializeError } from '../core/errors.js';
import type { ErrorContext, FriendlyError } from '../core/error-messages.js';
import { EdgeLlmErrorEvent } from '../events.js';
import type { SerializedError } from '../shared/engine-api.js';

import type * as ErrorMessagesModule from '../core/error-messages.js';

type ErrorMessages = typeof ErrorMessagesModule;

let messages: Promise<ErrorMessages> | undefined;
let loaded: ErrorMessages | undefined;

/** Starts loading the error descriptions, once; a failed fetch is tried again next time. */
export function prepareErrorMessages(): Promise<ErrorMessages> {
  messages ??= import('../core/error-messages.js').then(
    (module) => (loaded = module),
    (error: unknown) => {
      messages = undefined;
      throw error;
    },
  );
  return messages;
}

/** Before the descriptions are here: the code, the browser's words, and the general remedies. */
function undescribed(error: SerializedError): FriendlyError {
  return {
    code: classifyError(error),
    title: 'Something went wrong',
    message: error.message,
    actions: ['retry', 'reload-page'],
    original: error,
  };
}

function announce(host: EventTarget, friendly: FriendlyError, error: unknown): void {
  console.error(`[edge-llm] ${friendly.code}:`, error);
  host.dispatchEvent(
    new EdgeLlmErrorEvent({
      code: friendly.code,
      title: friendly.title,
      message: friendly.message,
      actions: friendly.actions,
    }),
  );
}

/**
 * Reports `error` from `host` and returns the explanation to show now. When the descriptions are
 * still loading, that is a short one, and `onDescribed` receives the full one once they arrive.
 */
export function reportError(
  host: EventTarget,
  error: unknown,
  context: ErrorContext = {},
  onDescribed?: (friendly: FriendlyError) => void,
): FriendlyError {
  const serialized = serializeError(error);
  if (loaded) {
    const friendly = loaded.describeError(serialized, context);
    announce(host, friendly, error);
    return friendly;
  }
  const provisional = undescribed(serialized);
  prepareErrorMessages().then(
    ({ describeError }) => {
      const friendly = describeError(serialized, context);
      announce(host, friendly, error);
      onDescribed?.(friendly);
    },
    () => announce(host, provisional, error),
  );
  return provisional;
}
