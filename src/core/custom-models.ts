/**
 * The app's model sources setting (mirror base URLs and an imported model list) applied to the
 * custom models. Pure, and apart from the list validator so that the page loads the validator
 * only when a list is imported.
 */
import type {
  CustomModelSource,
  MirrorBases,
  TransformersHubSource,
  TransformersModelSource,
} from '../shared/engine-api.js';

/**
 * Adds an imported list to the models already there; an imported entry replaces one with the
 * same id, so importing an edited file again updates it rather than doubling it.
 */
export function mergeModelSources(current: CustomModelSource | undefined, added: CustomModelSource): CustomModelSource {
  const idOf = (entry: unknown) => (entry as { model_id?: string }).model_id;
  const addedIds = new Set((added.webllm ?? []).map(idOf));
  const folderKey = (source: TransformersModelSource) => `${source.url}@${source.dtype}`;
  const addedFolders = new Set((added.transformers ?? []).map(folderKey));
  const hubKey = (source: TransformersHubSource) => `${source.model}@${source.dtype}`;
  const addedHub = new Set((added.transformersHub ?? []).map(hubKey));
  const addedGguf = new Set((added.llamacpp ?? []).map((source) => source.url));
  return {
    ...current,
    webllm: [...(added.webllm ?? []), ...(current?.webllm ?? []).filter((entry) => !addedIds.has(idOf(entry)))],
    transformers: [
      ...(added.transformers ?? []),
      ...(current?.transformers ?? []).filter((source) => !addedFolders.has(folderKey(source))),
    ],
    transformersHub: [
      ...(added.transformersHub ?? []),
      ...(current?.transformersHub ?? []).filter((source) => !addedHub.has(hubKey(source))),
    ],
    llamacpp: [...(added.llamacpp ?? []), ...(current?.llamacpp ?? []).filter((source) => !addedGguf.has(source.url))],
  };
}

/** What the model sources setting holds: mirror base URLs, the last imported list, added folders. */
export interface ModelSourcesSetting {
  mirror: MirrorBases;
  imported: CustomModelSource;
  /** Self-hosted model folders the visitor added by URL, newest first. */
  folders?: TransformersModelSource[];
}

/** Everything a setting adds to the custom models: its imported list and its folders. */
function addedBy(setting: ModelSourcesSetting | undefined): CustomModelSource {
  if (!setting) return {};
  return mergeModelSources({ transformers: setting.folders ?? [] }, setting.imported);
}

/**
 * The custom models with a new sources setting applied: the models the previous setting added
 * are taken out, the new ones added, and the mirror replaced. Models the host page added stay.
 */
export function applyModelSources(
  current: CustomModelSource | undefined,
  previous: ModelSourcesSetting | undefined,
  next: ModelSourcesSetting,
): CustomModelSource {
  const removed = addedBy(previous);
  const drop = <T>(list: T[] | undefined, gone: T[] | undefined, key: (entry: T) => string) => {
    const keys = new Set((gone ?? []).map(key));
    return (list ?? []).filter((entry) => !keys.has(key(entry)));
  };
  const kept: CustomModelSource = {
    ...current,
    webllm: drop(current?.webllm, removed.webllm, (entry) => String((entry as { model_id?: unknown }).model_id)),
    transformers: drop(current?.transformers, removed.transformers, (entry) => `${entry.url}@${entry.dtype}`),
    transformersHub: drop(
      current?.transformersHub,
      removed.transformersHub,
      (entry) => `${entry.model}@${entry.dtype}`,
    ),
    llamacpp: drop(current?.llamacpp, removed.llamacpp, (entry) => entry.url),
  };
  const mirror = Object.fromEntries(Object.entries(next.mirror).filter(([, base]) => Boolean(base)));
  return { ...mergeModelSources(kept, addedBy(next)), mirror };
}
