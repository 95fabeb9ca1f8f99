/**
 * Conversations saved on this device, in IndexedDB (through idb-keyval). Nothing here leaves the
 * device.
 *
 * Layout (format 2), per chat `key` (its `storage-key`, "app" for the app):
 * - `key`: the index (conversation-index.ts): every conversation's title and dates, which one is
 *   open, and the settings of a new conversation not yet saved;
 * - `key/<id>`: one conversation (saved-conversation.ts).
 *
 * A conversation and the index are written in one transaction, the index read afresh inside it,
 * so two tabs never drop each other's conversations and the list never names one that is not
 * there. Format 1 kept one conversation as the value of `key` itself: the first transaction that
 * meets one moves it to `key/<id>` and writes an index in its place (nothing is lost).
 * Reads go through the readers in core/, so a damaged record restores what it can and never throws.
 */
import { randomId } from '../core/random-id.js';
import { createStore, get, getMany, promisifyRequest, type UseStore } from 'idb-keyval';
import {
  completeConversation,
  emptyIndex,
  readConversationIndex,
  summaryOf,
  withoutConversation,
  withoutDraft,
  withSummary,
  type ConversationIndex,
} from '../core/conversation-index.js';
import {
  readSavedConversation,
  type RestoredConversation,
  type SavedConversation,
  type SavedSettings,
} from '../core/saved-conversation.js';

/** The database and object store; tests read them directly to check what is stored. */
export const CONVERSATION_DB = 'edge-llm';
export const CONVERSATION_STORE = 'conversations';

/**
 * Whether `id` can be a conversation's id (what randomId makes). Anything else, a "/" above all,
 * could name a record of another chat: storage keys "a" and "a/b" would share "a/b/<id>".
 */
export function isConversationId(id: string): boolean {
  return /^[\w-]{1,64}$/.test(id);
}

/** Where conversation `id` of the chat `key` is kept. */
export function conversationKey(key: string, id: string): string {
  if (!isConversationId(id)) throw new Error(`Not a conversation id: ${JSON.stringify(id.slice(0, 80))}`);
  return `${key}/${id}`;
}

/** A new conversation's id: random, so conversations from other tabs or devices never collide. */
export function newConversationId(): string {
  return randomId();
}

let store: UseStore | undefined;

function conversations(): UseStore {
  store ??= createStore(CONVERSATION_DB, CONVERSATION_STORE);
  return store;
}

interface Writes<T> {
  put?: [string, unknown][];
  del?: string[];
  result: T;
}

/**
 * One read-write transaction: reads `keys`, then applies the writes `decide` returns from what was
 * read, and resolves with its result once the transaction has committed.
 */
function transact<T>(keys: string[], decide: (values: unknown[]) => Writes<T>): Promise<T> {
  return conversations()(
    'readwrite',
    (objects) =>
      new Promise<T>((resolve, reject) => {
        const values: unknown[] = [];
        let waiting = keys.length;
        const write = () => {
          let writes: Writes<T>;
          try {
            writes = decide(values);
          } catch (error) {
            objects.transaction.abort();
            reject(error);
            return;
          }
          for (const [key, value] of writes.put ?? []) objects.put(value, key);
          for (const key of writes.del ?? []) objects.delete(key);
          promisifyRequest(objects.transaction).then(() => resolve(writes.result), reject);
        };
        // Requests are chained in callbacks, not awaited, so the transaction never closes between them.
        keys.forEach((key, position) => {
          const request = objects.get(key);
          request.onsuccess = () => {
            values[position] = request.result;
            waiting -= 1;
            if (waiting === 0) write();
          };
          request.onerror = () => reject(request.error);
        });
        if (keys.length === 0) write();
      }),
  );
}

/** The index stored under `key`, and the writes that move a format 1 conversation out of its way. */
function indexFrom(key: string, value: unknown): { index: ConversationIndex; put: [string, unknown][] } {
  const index = readConversationIndex(value);
  if (index) return { index, put: [] };
  const legacy = readSavedConversation(value);
  if (!legacy || legacy.turns.length === 0) {
    const draft = legacy ? { ...emptyIndex(), draft: legacy.settings } : emptyIndex();
    return { index: draft, put: legacy ? [[key, draft]] : [] };
  }
  const conversation = completeConversation(legacy, newConversationId());
  const migrated = withSummary(emptyIndex(), summaryOf(conversation), true);
  return {
    index: migrated,
    put: [
      [conversationKey(key, conversation.id), conversation],
      [key, migrated],
    ],
  };
}

/** Changes the index (and whatever else) in one transaction; resolves with the new index. */
function changeIndex(
  key: string,
  change: (index: ConversationIndex) => { index: ConversationIndex; put?: [string, unknown][]; del?: string[] },
): Promise<ConversationIndex> {
  return transact([key], ([value]) => {
    const { index, put } = indexFrom(key, value);
    const changed = change(index);
    return {
      put: [...put, ...(changed.put ?? []), [key, changed.index]],
      del: changed.del ?? [],
      result: changed.index,
    };
  });
}

/** The chat's index (migrating a format 1 conversation the first time), and its open conversation. */
export async function loadLibrary(
  key: string,
): Promise<{ index: ConversationIndex; current: SavedConversation | undefined }> {
  const index = await transact([key], ([value]) => {
    const { index: read, put } = indexFrom(key, value);
    return { put, result: read };
  });
  const current = index.current ? await readConversation(key, index.current) : undefined;
  return { index, current };
}

/**
 * What the chat under `key` should start with: its open conversation, or the settings chosen for a
 * new one (no turns); undefined when nothing is saved (or IndexedDB is unavailable).
 */
export async function loadConversation(key: string): Promise<RestoredConversation | undefined> {
  const { index, current } = await loadLibrary(key);
  if (current) return readSavedConversation(current);
  if (!index.draft) return undefined;
  return {
    id: undefined,
    title: undefined,
    renamed: false,
    createdAt: 0,
    savedAt: 0,
    settings: index.draft,
    turns: [],
    memoryStart: 0,
  };
}

/** Conversation `id`, read back (undefined when it is not there). */
export async function readConversation(key: string, id: string): Promise<SavedConversation | undefined> {
  if (!isConversationId(id)) return undefined;
  const restored = readSavedConversation(await get(conversationKey(key, id), conversations()));
  return restored ? completeConversation(restored, id) : undefined;
}

/** Every conversation the index lists, newest first (for a search through their text). */
export async function readAllConversations(key: string): Promise<SavedConversation[]> {
  const { index } = await loadLibrary(key);
  const ids = index.conversations.map((entry) => entry.id);
  const values = await getMany(
    ids.map((id) => conversationKey(key, id)),
    conversations(),
  );
  return values.flatMap((value, position) => {
    const restored = readSavedConversation(value);
    return restored ? [completeConversation(restored, ids[position]!)] : [];
  });
}

/** Saves a conversation and its entry in the list; `open` makes it the chat's open conversation. */
export function saveConversation(
  key: string,
  conversation: SavedConversation,
  open = true,
): Promise<ConversationIndex> {
  return changeIndex(key, (index) => ({
    index: withSummary(index, summaryOf(conversation), open),
    put: [[conversationKey(key, conversation.id), conversation]],
  }));
}

/** A new conversation with no message yet: no conversation is open, and its settings are kept. */
export function saveDraft(key: string, settings: Partial<SavedSettings>): Promise<ConversationIndex> {
  return changeIndex(key, (index) => ({ index: { ...index, current: undefined, draft: settings } }));
}

/** Makes conversation `id` the open one. */
export function openConversation(key: string, id: string): Promise<ConversationIndex> {
  return changeIndex(key, (index) => ({
    index: index.conversations.some((entry) => entry.id === id) ? { ...withoutDraft(index), current: id } : index,
  }));
}

/** Renames conversation `id`; the title no longer follows its first message. */
export async function renameConversation(key: string, id: string, title: string): Promise<ConversationIndex> {
  const record = conversationKey(key, id);
  return transact([key, record], ([value, stored]) => {
    const { index, put } = indexFrom(key, value);
    const restored = readSavedConversation(stored);
    if (!restored) return { put, result: index };
    const renamed = { ...completeConversation(restored, id), title, renamed: true };
    const next = withSummary(index, summaryOf(renamed), index.current === id);
    return {
      put: [...put, [record, renamed], [key, next]],
      result: next,
    };
  });
}

/** Deletes conversation `id` and its entry in the list. */
export async function deleteConversation(key: string, id: string): Promise<ConversationIndex> {
  return changeIndex(key, (index) => ({ index: withoutConversation(index, id), del: [conversationKey(key, id)] }));
}

/** Deletes the open conversation (or the new one's settings): "Clear saved conversation and settings". */
export function clearConversation(key: string): Promise<ConversationIndex> {
  return changeIndex(key, (index) =>
    index.current
      ? { index: withoutConversation(withoutDraft(index), index.current), del: [conversationKey(key, index.current)] }
      : { index: withoutDraft(index) },
  );
}
