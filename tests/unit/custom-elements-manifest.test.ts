/// <reference types="node" />
/**
 * Keeps custom-elements.json (and the README tables made from it) in step with the code, without
 * a browser: the committed manifest must equal a fresh analyzer run, and what src/components/chat/chat.ts
 * declares (attributes, events it dispatches, parts, slots) must be in it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Named {
  name: string;
  description?: string;
}
interface Member extends Named {
  kind: 'field' | 'method';
  privacy?: string;
  static?: boolean;
  attribute?: string;
}
interface Attribute extends Named {
  fieldName?: string;
}
interface Declaration extends Named {
  kind: string;
  tagName?: string;
  customElement?: boolean;
  members?: Member[];
  attributes?: Attribute[];
  events?: (Named & { type?: { text: string } })[];
  slots?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[]; exports?: { kind: string; name: string }[] }[];
}

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const REGENERATE = 'custom-elements.json is out of date: run `npm run manifest` and commit the result';

const committed = JSON.parse(read('custom-elements.json')) as Manifest;
const chatSource = read('src/components/chat/chat.ts');
/** The element and the controllers in its folder, which dispatch its events. */
const chatFolderSource = readdirSync(join(root, 'src/components/chat'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => read(`src/components/chat/${file}`))
  .join('\n');
const names = (list: Named[] | undefined) => (list ?? []).map((item) => item.name);

function element(manifest: Manifest, tag: string): Declaration {
  const found = manifest.modules.flatMap((mod) => mod.declarations ?? []).find((d) => d.tagName === tag);
  if (!found) throw new Error(`custom-elements.json has no <${tag}>. ${REGENERATE}.`);
  return found;
}

/** Event class → event type, from `super('edge-llm-…')` in src/events.ts. */
function eventTypes(): Map<string, string> {
  const types = new Map<string, string>();
  for (const [, className, type] of read('src/events.ts').matchAll(
    /class\s+(\w+)\s+extends\s+Event\b(?:(?!\bclass\s)[\s\S])*?super\(\s*'([^']+)'/g,
  ))
    types.set(className!, type!);
  return types;
}

describe('custom-elements.json', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'edge-llm-cem-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('equals a fresh analyzer run (regenerate with `npm run manifest`)', () => {
    // The CLI joins --outdir onto the working directory, so it is given relative to the root.
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'),
        'analyze',
        '--config',
        'custom-elements-manifest.config.mjs',
        '--outdir',
        relative(root, outdir),
        '--quiet',
      ],
      { cwd: root, stdio: 'pipe' },
    );
    const fresh = JSON.parse(readFileSync(join(outdir, 'custom-elements.json'), 'utf8')) as Manifest;
    expect(fresh, REGENERATE).toEqual(committed);
  }, 60_000);

  it('registers every element under the tag src/define.ts gives it', () => {
    const pairs = [...read('src/define.ts').matchAll(/\[\s*'([a-z][\w-]*)'\s*,\s*(\w+)\s*\]/g)];
    expect(pairs.length, 'no [tag, Class] pairs found in src/define.ts').toBeGreaterThan(0);
    for (const [, tag, className] of pairs)
      expect(element(committed, tag!).name, `<${tag}> should be ${className}. ${REGENERATE}`).toBe(className);
    expect(element(committed, 'edge-llm-chat').name).toBe('EdgeLlmChat');
  });
});

describe('<edge-llm-chat> in custom-elements.json matches src/components/chat/chat.ts', () => {
  const chat = element(committed, 'edge-llm-chat');

  it('lists every @property attribute under its attribute name, and no others', () => {
    const declared = [...chatSource.matchAll(/@property\(([^)]*)\)\s*(?:(?:declare|override|readonly)\s+)*(\w+)/g)];
    expect(declared.length, 'no @property fields found in chat.ts').toBeGreaterThan(0);
    const expected = new Map<string, string>(); // attribute -> field
    const propertyOnly: string[] = [];
    for (const [, options = '', field] of declared) {
      const named = /attribute:\s*['"]([^'"]+)['"]/.exec(options);
      if (/attribute:\s*false/.test(options)) propertyOnly.push(field!);
      // Lit's default attribute is the property name in lower case.
      else expected.set(named ? named[1]! : field!.toLowerCase(), field!);
    }
    const attributes = new Map((chat.attributes ?? []).map((a) => [a.name, a.fieldName]));
    for (const [attribute, field] of expected) {
      expect(attributes.has(attribute), `attribute "${attribute}" (field ${field}) missing. ${REGENERATE}`).toBe(true);
      expect(attributes.get(attribute), `attribute "${attribute}" should map to field ${field}`).toBe(field);
    }
    expect([...attributes.keys()].sort(), `stale attributes in the manifest. ${REGENERATE}`).toEqual(
      [...expected.keys()].sort(),
    );
    const fields = names(chat.members?.filter((m) => m.kind === 'field'));
    for (const field of propertyOnly)
      expect(fields, `property ${field} (attribute: false) missing from members. ${REGENERATE}`).toContain(field);
    // The attributes the README documents for embedders.
    for (const attribute of [
      'engine',
      'model',
      'system-prompt',
      'max-tokens',
      'temperature',
      'autoload',
      'show-stats',
      'device',
    ])
      expect(attributes.has(attribute), `attribute "${attribute}"`).toBe(true);
  });

  it('lists the public methods and no private or @state members', () => {
    const methods = names(chat.members?.filter((m) => m.kind === 'method'));
    const publicMethods = [...chatSource.matchAll(/^ {2}(?:async\s+)?([a-z]\w*)\([^)]*\)[^{;]*\{/gm)]
      .map((match) => match[1]!)
      .filter((name) => !['constructor', 'if', 'for', 'while', 'switch'].includes(name));
    for (const method of publicMethods)
      expect(methods, `public method ${method}() missing. ${REGENERATE}`).toContain(method);
    for (const method of ['load', 'send', 'stop', 'reset', 'unload', 'outputTokenIds'])
      expect(methods, `public method ${method}()`).toContain(method);

    const hidden = [
      ...chatSource.matchAll(
        /^ {2}(?:@\w+\([^)]*\)\s*)*(?:private|protected)\s+(?:(?:readonly|override|async|static)\s+)*(\w+)/gm,
      ),
      ...chatSource.matchAll(/@(?:state|query)\([^)]*\)\s*(?:(?:private|protected|declare|readonly)\s+)*(\w+)/g),
    ].map((match) => match[1]!);
    expect(hidden.length, 'no private members found in chat.ts').toBeGreaterThan(0);
    const members = names(chat.members);
    for (const name of hidden)
      expect(members, `private/@state member ${name} must not be public API`).not.toContain(name);
    for (const member of chat.members ?? [])
      expect(member.privacy ?? 'public', `${member.name} in the manifest`).toBe('public');
  });

  it('lists every event chat.ts dispatches', () => {
    const types = eventTypes();
    const events = names(chat.events);
    const dispatched = [
      ...new Set([
        ...[...chatFolderSource.matchAll(/new\s+(EdgeLlm\w*Event)\(/g)].map((m) => m[1]!),
        // reportError (src/components/report-error.ts) dispatches the error event for its caller.
        ...(/\breportError\(/.test(chatFolderSource) ? ['EdgeLlmErrorEvent'] : []),
      ]),
    ];
    expect(dispatched.length, 'no `new EdgeLlm…Event(` found in src/components/chat/').toBeGreaterThan(0);
    for (const className of dispatched) {
      const type = types.get(className);
      expect(type, `${className} is not declared in src/events.ts`).toBeDefined();
      expect(events, `the chat dispatches ${className} ("${type}"): add \`@fires ${type}\`. ${REGENERATE}`).toContain(
        type,
      );
    }
    for (const event of [
      'edge-llm-progress',
      'edge-llm-ready',
      'edge-llm-token',
      'edge-llm-done',
      'edge-llm-error',
      'edge-llm-recover',
    ])
      expect(events, `event ${event}`).toContain(event);
    for (const event of chat.events ?? [])
      expect(event.name, 'every event has an edge-llm-* name').toMatch(/^edge-llm-[a-z-]+$/);
  });

  it('lists every part="…" and exportparts="…" name in the chat (its element and views) as a CSS part', () => {
    const parts = names(chat.cssParts);
    const own = [...chatFolderSource.matchAll(/(?<![\w-])part="([^"$]+)"/g)].flatMap((m) => m[1]!.trim().split(/\s+/));
    const exported = [...chatFolderSource.matchAll(/exportparts="([^"$]+)"/g)].flatMap((m) =>
      m[1]!
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => entry.split(':').pop()!.trim()),
    );
    expect(own.length, 'no part="…" found in src/components/chat/').toBeGreaterThan(0);
    expect(exported.length, 'no exportparts="…" found in src/components/chat/').toBeGreaterThan(0);
    for (const part of own) expect(parts, `part "${part}": add \`@csspart ${part}\` to chat.ts`).toContain(part);
    for (const part of exported)
      expect(parts, `exported part "${part}": document it (\`@csspart ${part}\`). ${REGENERATE}`).toContain(part);
  });

  it('lists every named slot, and the documented CSS custom properties', () => {
    const slots = [...chatSource.matchAll(/<slot\s+name="([^"]+)"/g)].map((m) => m[1]!);
    for (const slot of slots) expect(names(chat.slots), `slot "${slot}": add \`@slot ${slot}\``).toContain(slot);
    expect(names(chat.slots)).toContain('empty');
    const documented = [...chatSource.matchAll(/@cssproperty\s+(--[\w-]+)/g)].map((m) => m[1]!);
    expect(documented.length).toBeGreaterThan(0);
    expect(names(chat.cssProperties), REGENERATE).toEqual(documented);
  });
});

describe('README API tables', () => {
  it('match custom-elements.json (regenerate with `node scripts/docs-table.mjs --write`)', () => {
    const result = spawnSync(process.execPath, [join(root, 'scripts/docs-table.mjs'), '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
  }, 30_000);
});
