// Custom Elements Manifest analyzer config: `npm run manifest` writes ./custom-elements.json.
//
// The plugins below fill in what the analyzer cannot see on its own:
// - tags: src/define.ts registers the elements in a loop over `[tag, Class]` pairs, so the pairs
//   are read from that file; each class gets its `tagName`, and define.ts its definitions.
// - events: `dispatchEvent(new EdgeLlmXEvent(...))` is resolved to the event's type string
//   (read from src/events.ts) and merged with the `@fires` entry that documents it.
// - parts: parts passed on with `exportparts` are added, described as the child element documents them.
// - CSS custom properties: defaults are read from src/components/theme.ts.
// - public API only: private and protected members (Lit `@state`, `@query`, helpers) are dropped.
// - attribute names: Lit lower-cases a property's name when no `attribute:` is given.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const read = (path) => readFileSync(join(root, path), 'utf8');

/** Class name → tag, from the `[tag, Class]` registration array in src/define.ts. */
/** The files that register elements: the chat's, the app's, the benchmark's, the evaluation's, the conversation list's, the crash notice's. */
const DEFINE_FILES = [
  'src/define.ts',
  'src/define-app.ts',
  'src/define-bench.ts',
  'src/define-conversations.ts',
  'src/define-eval.ts',
  'src/components/crash-check.ts',
];

/** Class name → { tag, file } from the `['edge-llm-…', Class]` pairs each define file registers. */
export function registeredTags(files = DEFINE_FILES) {
  const tags = new Map();
  for (const file of files) {
    for (const [, tag, className] of read(file).matchAll(
      /\[\s*'([a-z][a-z0-9]*-[a-z0-9-]*)'\s*,\s*([A-Za-z_$][\w$]*)\s*\]/g,
    ))
      tags.set(className, { tag, file });
  }
  return tags;
}

/** Event class name → event type, from `class X extends Event { ... super('type'` in src/events.ts. */
export function eventTypes(source = read('src/events.ts')) {
  const types = new Map();
  for (const [, className, type] of source.matchAll(
    /class\s+(\w+)\s+extends\s+Event\b(?:(?!\bclass\s)[\s\S])*?super\(\s*'([^']+)'/g,
  ))
    types.set(className, type);
  return types;
}

function* classes(manifest) {
  for (const mod of manifest.modules ?? [])
    for (const declaration of mod.declarations ?? []) if (declaration.kind === 'class') yield [mod, declaration];
}

function tagsFromDefine() {
  return {
    name: 'edge-llm-tags-from-define',
    packageLinkPhase({ customElementsManifest }) {
      const tags = registeredTags();
      const definitions = new Map(DEFINE_FILES.map((file) => [file, []]));
      for (const [mod, declaration] of classes(customElementsManifest)) {
        const registered = tags.get(declaration.name);
        if (!registered) continue;
        declaration.customElement = true;
        declaration.tagName = registered.tag;
        definitions.get(registered.file).push({
          kind: 'custom-element-definition',
          name: registered.tag,
          declaration: { name: declaration.name, module: mod.path },
        });
      }
      for (const [file, list] of definitions) {
        const define = customElementsManifest.modules.find((mod) => mod.path === file);
        if (!define) continue;
        // The analyzer reads `registerElements([...])` as no definition at all.
        define.exports = [
          ...(define.exports ?? []).filter((e) => e.kind !== 'custom-element-definition'),
          ...list.sort((a, b) => a.name.localeCompare(b.name)),
        ];
      }
    },
  };
}

function eventsFromClasses() {
  return {
    name: 'edge-llm-events-from-classes',
    packageLinkPhase({ customElementsManifest }) {
      const types = eventTypes();
      for (const [, declaration] of classes(customElementsManifest)) {
        if (!Array.isArray(declaration.events)) continue;
        const byName = new Map();
        // Documented (`@fires`) events first, in their documented order.
        const ordered = [...declaration.events].sort((a, b) => Number(!a.description) - Number(!b.description));
        for (const event of ordered) {
          const className = event.type?.text;
          const name = types.get(className) ?? event.name;
          // Names the analyzer guessed from a constructor argument (e.g. "progress") are dropped
          // unless the event's class resolves them.
          if (!name || (!types.has(className) && !name.includes('-'))) continue;
          const merged = { ...byName.get(name), ...event, name };
          if (byName.get(name)?.description && !event.description) merged.description = byName.get(name).description;
          if (types.has(className) || !merged.type) {
            const resolved = types.has(className) ? className : [...types].find(([, t]) => t === name)?.[0];
            if (resolved) merged.type = { text: resolved };
          }
          byName.set(name, merged);
        }
        declaration.events = [...byName.values()].map(({ name, type, description, ...rest }) => ({
          name,
          ...(type ? { type } : {}),
          ...(description ? { description } : {}),
          ...rest,
        }));
      }
    },
  };
}

/**
 * Parts an element passes on from a child with `exportparts="a, inner:outer"`, described as the
 * child documents them. Parts the child does not document are left out (and fail the unit test).
 */
function exportedParts() {
  return {
    name: 'edge-llm-exported-parts',
    packageLinkPhase({ customElementsManifest }) {
      const byTag = new Map();
      for (const [, declaration] of classes(customElementsManifest))
        if (declaration.tagName) byTag.set(declaration.tagName, declaration);
      for (const [mod, declaration] of classes(customElementsManifest)) {
        if (!declaration.customElement) continue;
        const source = read(mod.path);
        for (const [, childTag, list] of source.matchAll(
          /<([a-z][a-z0-9]*-[a-z0-9-]*)\b[^>]*?\bexportparts="([^"]*)"/g,
        )) {
          for (const entry of list
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)) {
            const [inner, outer = inner] = entry.split(':').map((part) => part.trim());
            const childPart = byTag.get(childTag)?.cssParts?.find((part) => part.name === inner);
            declaration.cssParts ??= [];
            if (!childPart || declaration.cssParts.some((part) => part.name === outer)) continue;
            declaration.cssParts.push({
              description:
                `${(childPart.description ?? '').replace(/\.$/, '')} (exported from \`<${childTag}>\`).`.trim(),
              name: outer,
            });
          }
        }
      }
    },
  };
}

/** Defaults of documented `--edge-llm-*` properties, from `var(--edge-llm-x, default)` in the theme. */
function themeDefaults() {
  return {
    name: 'edge-llm-theme-defaults',
    packageLinkPhase({ customElementsManifest }) {
      const defaults = new Map();
      for (const [, name, value] of read('src/components/theme.ts').matchAll(/var\((--edge-llm-[\w-]+),\s*([^;]+)\);/g))
        defaults.set(name, value.trim());
      for (const [, declaration] of classes(customElementsManifest))
        for (const property of declaration.cssProperties ?? [])
          if (property.default === undefined && defaults.has(property.name))
            property.default = defaults.get(property.name);
    },
  };
}

function publicApiOnly() {
  return {
    name: 'edge-llm-public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const [, declaration] of classes(customElementsManifest)) {
        if (!Array.isArray(declaration.members)) continue;
        declaration.members = declaration.members.filter(
          (member) => member.privacy !== 'private' && member.privacy !== 'protected' && !member.name.startsWith('#'),
        );
      }
    },
  };
}

function litAttributeNames() {
  return {
    name: 'edge-llm-lit-attribute-names',
    packageLinkPhase({ customElementsManifest }) {
      for (const [, declaration] of classes(customElementsManifest)) {
        if (!declaration.customElement) continue;
        for (const attribute of declaration.attributes ?? []) attribute.name = attribute.name.toLowerCase();
        for (const member of declaration.members ?? [])
          if (typeof member.attribute === 'string') member.attribute = member.attribute.toLowerCase();
      }
    },
  };
}

/** Modules in path order: the analyzer reads files concurrently, and its order varies under load. */
function modulesInPathOrder() {
  return {
    name: 'edge-llm-modules-in-path-order',
    packageLinkPhase({ customElementsManifest }) {
      customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['tests/**', 'src/**/*.test.ts', 'src/**/*.spec.ts', 'src/vite-env.d.ts'],
  outdir: '.',
  litelement: true,
  // package.json already names the manifest; never let the CLI rewrite that file.
  packagejson: false,
  plugins: [
    modulesInPathOrder(),
    tagsFromDefine(),
    eventsFromClasses(),
    exportedParts(),
    themeDefaults(),
    publicApiOnly(),
    litAttributeNames(),
  ],
};
