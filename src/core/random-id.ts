/**
 * A random id for records kept in the browser. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost): an app served over plain HTTP on a local network must still save.
 */
export function randomId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
