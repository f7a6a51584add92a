import { afterEach } from 'vitest';
import { createEngine, type Engine, type EngineOptions } from '../src/index.js';
import { createSilentLogger } from '../src/memory/index.js';

const engines: Engine[] = [];

/** An engine with a silent logger, stopped after the test. */
export function testEngine(options: EngineOptions = {}): Engine {
  const engine = createEngine({ ...options, adapters: { logger: createSilentLogger(), ...options.adapters } });
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  await Promise.allSettled(engines.splice(0).map((engine) => engine.stop()));
});
