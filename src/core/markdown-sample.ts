/**
 * A realistic Markdown reply of any length, the kind a chat model writes when asked to explain
 * something technical: headings, paragraphs with emphasis, inline code and links, bulleted and
 * numbered lists, fenced code, tables and quotes. The engine double streams it (`markdown:`
 * prompts) so the UI benchmark and the tests measure rendering on the Markdown replies really
 * look like. Pure: no DOM.
 */

const TOPICS = ['tokenizer', 'KV cache', 'prefill', 'decode loop', 'sampler', 'shader cache', 'weight shards'];

/** Section `index` (0-based) of the sample reply; sections differ so no two blocks repeat exactly. */
export function markdownSampleSection(index: number): string {
  const topic = TOPICS[index % TOPICS.length] ?? 'model';
  const n = index + 1;
  return `## ${n}. How the ${topic} works

The **${topic}** is where a small model spends *part* of its time: on this device it took ${n * 3} ms per step, \
about ${n % 5}0% of the total. See [the guide](https://example.com/guide/${n}) and \`config.${topic.replace(/ /g, '_')}\` for the \
settings that matter, then compare with the ~~old~~ new defaults.

- Keep the ${topic} on the GPU while the model is loaded
- Measure it with \`performance.now()\` around step ${n}
  - nested detail: warm-up runs are left out
- Stop early when the budget is spent

1. Load the model
2. Run ${n} warm-up steps
3. Record the median of five runs

\`\`\`ts
export function step${n}(input: Float32Array): number {
  let total = 0;
  for (let i = 0; i < input.length; i += 1) {
    total += input[i] * ${n};
  }
  // ${topic}: ${n} passes
  return total / input.length;
}
\`\`\`

| Setting | Value | Effect |
| --- | ---: | :---: |
| batch | ${n * 2} | faster prefill |
| threads | ${(n % 4) + 1} | more parallel work |
| cache | ${n * 16} MB | fewer reloads |

> Note: figures from step ${n} are medians; the spread is in the report.

That is all for the ${topic}.

`;
}

/** The first `sections` sections of the sample reply, joined. */
export function markdownSample(sections: number): string {
  return Array.from({ length: sections }, (_, index) => markdownSampleSection(index)).join('');
}
