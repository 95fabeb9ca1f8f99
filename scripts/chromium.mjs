/**
 * How edge-llm launches Chromium for tests and benchmarks: Debian's build (no browser download),
 * headless, with WebGPU enabled (SwiftShader on machines without a GPU).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  // Without these Chromium keeps trying hosts a machine without internet cannot reach.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
