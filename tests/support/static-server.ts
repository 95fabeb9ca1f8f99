// The static server lives in scripts/ so the benchmark CLI (plain Node) serves files the same way.
export * from '../../scripts/static-server.mjs';
