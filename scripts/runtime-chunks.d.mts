// Types of runtime-chunks.mjs.
export declare function runtimeChunkName(moduleIds: readonly string[]): string | undefined;
