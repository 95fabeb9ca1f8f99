/**
 * Errors keep their `name`, `code` and `detail` across the worker boundary.
 *
 * comlink's default handler rebuilds a thrown error from its message alone, which would lose
 * what the error mapping needs (web-llm's classes are recognised by name). Both sides import this
 * module before talking to each other.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { serializeError } from '../core/errors.js';
import type { SerializedError } from './engine-api.js';

interface ThrownValue {
  isError: boolean;
  value: unknown;
}

// comlink marks thrown values with a private symbol; its own handler knows how to spot them.
const builtIn = transferHandlers.get('throw') as TransferHandler<ThrownValue, ThrownValue>;

const errorHandler: TransferHandler<ThrownValue, ThrownValue> = {
  canHandle: (value: unknown): value is ThrownValue => builtIn.canHandle(value),
  serialize: (thrown) => [{ isError: true, value: serializeError(thrown.value, { withStack: true }) }, []],
  deserialize: (serialized) => {
    const data = serialized.value as SerializedError & { stack?: string };
    throw Object.assign(new Error(data.message), data);
  },
};

transferHandlers.set('throw', errorHandler as TransferHandler<unknown, unknown>);
