/**
 * One engine worker per page: every element talks to the same client, so two widgets on one
 * page never hold two copies of a model on the GPU.
 */
import { EngineClient, type WorkerFactory } from './engine-client.js';

let client: EngineClient | undefined;
let workerFactory: WorkerFactory | undefined;

/**
 * Sets how the engine worker is created (e.g. a host page serving it from elsewhere).
 * Must be called before the first element starts the worker.
 */
export function setEngineWorkerFactory(factory: WorkerFactory): void {
  workerFactory = factory;
}

export function sharedEngineClient(): EngineClient {
  client ??= new EngineClient(workerFactory);
  return client;
}
