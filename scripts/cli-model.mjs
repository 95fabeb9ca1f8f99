/**
 * What the headless CLIs (eval.mjs; bench.mjs has its own copy of the same rules) share: the
 * app build step, and where a --model comes from: a catalog id, a folder URL, or a local folder
 * served on the CLI's own localhost server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Builds the app with Vite into `root`/dist. Returns false when the build failed. */
export function buildApp(root) {
  const build = spawnSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  return build.status === 0;
}

const isUrl = (value) => /^https?:\/\//.test(value);
const isLocalFolder = (value) => !isUrl(value) && existsSync(value) && statSync(value).isDirectory();

/** Static-server roots for a local model folder and a local model library, if given. */
export function modelRoots({ model, modelLib }) {
  const roots = {};
  if (model && isLocalFolder(model)) roots[`/models/${basename(resolve(model))}/`] = resolve(model);
  if (modelLib && !isUrl(modelLib)) roots['/model-lib/'] = dirname(resolve(modelLib));
  return roots;
}

/**
 * The catalog id the page loads and the custom catalog entry it needs, for a model served from
 * `origin`. Throws an Error whose message is for the user when a web-llm folder lacks its library.
 */
export function resolveModel({ engine, model, dtype, modelLib, origin }) {
  let url;
  if (isUrl(model)) url = model.replace(/\/+$/, '');
  else if (isLocalFolder(model)) url = `${origin}/models/${basename(resolve(model))}`;
  if (!url) return { id: model, custom: undefined };
  if (engine === 'transformers') {
    return { id: `${url}@${dtype}`, custom: { transformers: [{ url, dtype }] } };
  }
  if (!modelLib) throw new Error('a web-llm model folder needs --model-lib (the compiled model library, .wasm)');
  const libUrl = isUrl(modelLib) ? modelLib : `${origin}/model-lib/${basename(modelLib)}`;
  const id = basename(url);
  return { id, custom: { webllm: [{ model: url, model_id: id, model_lib: libUrl }] } };
}
