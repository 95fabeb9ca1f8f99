/**
 * Guarded registration: a second copy of the library on the same page warns instead of
 * throwing, and the first registration wins.
 */
export function registerElements(elements: [string, CustomElementConstructor][]): void {
  for (const [name, constructor] of elements) {
    if (customElements.get(name)) {
      if (customElements.get(name) !== constructor)
        console.warn(`[edge-llm] <${name}> is already defined; keeping the first definition.`);
      continue;
    }
    customElements.define(name, constructor);
  }
}
