/**
 * Conversations saved on this device, in IndexedDB (through idb-keyval), one record per key.
 * Nothing here leaves the device. Reads go through {@link readSavedConversation}, so a record
 * from an older version or a damaged one restores what it can and never throws.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import {
  readSavedConversation,
  SAVED_CONVERSATION_VERSION,
  type RestoredConversation,
  type SavedConversation,
} from '../core/saved-conversation.js';

/** The database and object store; tests read them directly to check what is stored. */
export const CONVERSATION_DB = 'edge-llm';
export const CONVERSATION_STORE = 'conversations';

let store: UseStore | undefined;

function conversations(): UseStore {
  store ??= createStore(CONVERSATION_DB, CONVERSATION_STORE);
  return store;
}

/** The conversation saved under `key`, or undefined when there is none (or IndexedDB is unavailable). */
export async function loadConversation(key: string): Promise<RestoredConversation | undefined> {
  return readSavedConversation(await get(key, conversations()));
}

/** Saves a conversation, stamped with the format's version so a later reader knows it. */
export function saveConversation(key: string, conversation: Omit<SavedConversation, 'version'>): Promise<void> {
  return set(key, { ...conversation, version: SAVED_CONVERSATION_VERSION }, conversations());
}

export function clearConversation(key: string): Promise<void> {
  return del(key, conversations());
}
