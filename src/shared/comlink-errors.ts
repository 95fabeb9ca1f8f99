/**
 * Errors keep their `name`, `code` and `detail` across the worker boundary.
 *
 * comlink's default handler rebuilds a thrown error from its message alone, which would lose
 * what the error mapping needs (web-llm's classes are recognised by name). Both sides import this
 * module before talking to each other.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import type { SerializedError } from './engine-api.js';

interface ThrownValue {
  isError: boolean;
  value: unknown;
}

function toSerialized(value: unknown): SerializedError & { stack?: string } {
  if (value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value)) {
    const error = value as Error & { code?: unknown; detail?: unknown };
    const serialized: SerializedError & { stack?: string } = {
      name: error.name || 'Error',
      message: String(error.message),
    };
    if (typeof error.code === 'string') serialized.code = error.code;
    if (error.detail && typeof error.detail === 'object') {
      serialized.detail = JSON.parse(JSON.stringify(error.detail)) as Record<string, string | number>;
    }
    if (typeof error.stack === 'string') serialized.stack = error.stack;
    return serialized;
  }
  return { name: 'Error', message: String(value) };
}

// comlink marks thrown values with a private symbol; its own handler knows how to spot them.
const builtIn = transferHandlers.get('throw') as TransferHandler<ThrownValue, ThrownValue>;

const errorHandler: TransferHandler<ThrownValue, ThrownValue> = {
  canHandle: (value: unknown): value is ThrownValue => builtIn.canHandle(value),
  serialize: (thrown) => [{ isError: true, value: toSerialized(thrown.value) }, []],
  deserialize: (serialized) => {
    const data = serialized.value as SerializedError & { stack?: string };
    throw Object.assign(new Error(data.message), data);
  },
};

transferHandlers.set('throw', errorHandler as TransferHandler<unknown, unknown>);
