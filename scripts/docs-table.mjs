// API tables for <edge-llm-chat>, generated from custom-elements.json (`npm run manifest`).
//
//   node scripts/docs-table.mjs           print the Markdown tables
//   node scripts/docs-table.mjs --write   replace the text between the markers in README.md
//                                         (Markdown) and in embed.html (HTML) if it exists
//   node scripts/docs-table.mjs --check   exit 1 if either file is out of date
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TAG = 'edge-llm-chat';
export const START = `<!-- ${TAG}-api:start -->`;
export const END = `<!-- ${TAG}-api:end -->`;

export function readManifest(path = join(root, 'custom-elements.json')) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The manifest's declaration of `tag`. */
export function findElement(manifest, tag = TAG) {
  for (const mod of manifest.modules ?? [])
    for (const declaration of mod.declarations ?? []) if (declaration.tagName === tag) return declaration;
  throw new Error(`custom-elements.json has no <${tag}>; run \`npm run manifest\`.`);
}

/** Rows of each table as plain strings; `code` cells are wrapped by the renderer. */
export function apiTables(element) {
  const members = element.members ?? [];
  const isPublic = (member) => !member.privacy || member.privacy === 'public';
  const withAttribute = new Set((element.attributes ?? []).map((attribute) => attribute.fieldName));
  const signature = (method) =>
    `${method.name}(${(method.parameters ?? []).map((p) => `${p.name}: ${p.type?.text ?? 'unknown'}`).join(', ')})`;
  return [
    {
      title: 'Attributes',
      head: ['Attribute', 'Property', 'Type', 'Default', 'Description'],
      code: [true, true, true, true, false],
      rows: (element.attributes ?? []).map((a) => [
        a.name,
        a.fieldName ?? '',
        a.type?.text ?? '',
        a.default ?? '',
        a.description ?? '',
      ]),
    },
    {
      title: 'Properties (JavaScript only)',
      head: ['Property', 'Type', 'Default', 'Description'],
      code: [true, true, true, false],
      rows: members
        .filter((m) => m.kind === 'field' && isPublic(m) && !m.static && !withAttribute.has(m.name))
        .map((m) => [m.name, m.type?.text ?? '', m.default ?? '', m.description ?? '']),
    },
    {
      title: 'Methods',
      head: ['Method', 'Returns', 'Description'],
      code: [true, true, false],
      rows: members
        .filter((m) => m.kind === 'method' && isPublic(m) && !m.static)
        .map((m) => [signature(m), m.return?.type?.text ?? 'void', m.description ?? '']),
    },
    {
      title: 'Events',
      head: ['Event', 'Class', 'Description'],
      code: [true, true, false],
      rows: (element.events ?? []).map((e) => [e.name, e.type?.text ?? 'Event', e.description ?? '']),
    },
    {
      title: 'Slots',
      head: ['Slot', 'Description'],
      code: [true, false],
      rows: (element.slots ?? []).map((s) => [s.name || '(default)', s.description ?? '']),
    },
    {
      title: 'CSS parts',
      head: ['Part', 'Description'],
      code: [true, false],
      rows: (element.cssParts ?? []).map((p) => [p.name, p.description ?? '']),
    },
    {
      title: 'CSS custom properties',
      head: ['Property', 'Default', 'Description'],
      code: [true, true, false],
      rows: (element.cssProperties ?? []).map((p) => [p.name, p.default ?? '', p.description ?? '']),
    },
  ].filter((table) => table.rows.length > 0);
}

const mdCode = (text) => (text ? `\`${text}\`` : '');
const mdCell = (text) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function renderMarkdown(element) {
  return apiTables(element)
    .map(({ title, head, code, rows }) =>
      [
        `**${title}**`,
        '',
        `| ${head.join(' | ')} |`,
        `| ${head.map(() => '---').join(' | ')} |`,
        ...rows.map((row) => `| ${row.map((cell, i) => mdCell(code[i] ? mdCode(cell) : cell)).join(' | ')} |`),
      ].join('\n'),
    )
    .join('\n\n');
}

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Plain text with `code` spans, as HTML. */
const htmlText = (text) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

export function renderHtml(element) {
  return apiTables(element)
    .map(({ title, head, code, rows }) =>
      [
        '<table>',
        `  <caption>${escapeHtml(title)}</caption>`,
        `  <thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
        '  <tbody>',
        ...rows.map(
          (row) =>
            `    <tr>${row
              .map((cell, i) => `<td>${code[i] && cell ? `<code>${escapeHtml(cell)}</code>` : htmlText(cell)}</td>`)
              .join('')}</tr>`,
        ),
        '  </tbody>',
        '</table>',
      ].join('\n'),
    )
    .join('\n');
}

/** `source` with the text between the markers replaced by `block`. */
export function replaceBetweenMarkers(source, block, file, { before = '\n', after = '\n' } = {}) {
  const start = source.indexOf(START);
  const end = source.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file}: missing ${START} ... ${END}`);
  return `${source.slice(0, start + START.length)}${before}${block}${after}${source.slice(end)}`;
}

/** Whitespace before the start marker on its line (the block is indented to match). */
function markerIndent(source) {
  const start = source.indexOf(START);
  return start < 0 ? '' : /[ \t]*$/.exec(source.slice(0, start))[0];
}

/** The up-to-date text of each target file that exists: [{ file, current, next }]. */
export async function documents(manifest = readManifest()) {
  const element = findElement(manifest);
  const targets = [
    { file: 'README.md', render: renderMarkdown, parser: 'markdown', required: true },
    { file: 'embed.html', render: renderHtml, parser: 'html', required: false },
  ];
  const result = [];
  for (const { file, render, parser, required } of targets) {
    const path = join(root, file);
    if (!existsSync(path)) {
      if (required) throw new Error(`${file} not found`);
      continue;
    }
    const current = readFileSync(path, 'utf8');
    if (!required && !current.includes(START)) continue;
    if (!current.includes(START)) throw new Error(`${file}: missing ${START} ... ${END}`);
    // Only the block is formatted (with the file's Prettier options, less its indentation), so
    // the rest of the file is left exactly as it is.
    const indent = markerIndent(current);
    const options = { ...(await prettier.resolveConfig(path)), parser };
    options.printWidth = (options.printWidth ?? 80) - indent.length;
    const formatted = (await prettier.format(render(element), options)).trimEnd();
    const block = formatted.replace(/^(?=.)/gm, indent);
    const gap = parser === 'markdown' ? '\n\n' : '\n';
    const next = replaceBetweenMarkers(current, block, file, { before: gap, after: `${gap}${indent}` });
    result.push({ file, path, current, next });
  }
  return result;
}

async function main(args) {
  if (args.includes('--write') || args.includes('--check')) {
    let stale = 0;
    for (const { file, path, current, next } of await documents()) {
      if (current === next) continue;
      if (args.includes('--write')) {
        writeFileSync(path, next);
        console.log(`updated ${file}`);
      } else {
        stale++;
        console.error(`${file}: <${TAG}> API tables are out of date; run \`node scripts/docs-table.mjs --write\`.`);
      }
    }
    process.exitCode = stale ? 1 : 0;
    return;
  }
  console.log(renderMarkdown(findElement(readManifest())));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
