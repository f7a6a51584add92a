import { describe, expect, it } from 'vitest';
import { forwardLifecycle, hasLifecycle, type Lifecycle } from '../src/ports/lifecycle.js';

const recorder = (name: string, log: string[], options: { failClose?: boolean; healthy?: boolean } = {}): Lifecycle => ({
  async open() {
    log.push(`${name}.open`);
  },
  async close() {
    log.push(`${name}.close`);
    if (options.failClose) throw new Error(`${name} would not close`);
  },
  health: () => ({ ok: options.healthy ?? true, detail: `${name} ${options.healthy === false ? 'down' : 'up'}` }),
});

describe('forwardLifecycle', () => {
  it('opens the wrapped objects in order and closes them in reverse, every close running', async () => {
    const log: string[] = [];
    const wrapper = forwardLifecycle({ name: 'wrapper' }, recorder('a', log, { failClose: true }), { plain: true }, recorder('b', log));
    await wrapper.open!();
    await expect(wrapper.close!()).rejects.toThrow('a would not close');
    expect(log).toEqual(['a.open', 'b.open', 'b.close', 'a.close']);
  });

  it('is healthy when every wrapped object is, and passes a single one’s answer through', async () => {
    const both = forwardLifecycle({}, recorder('a', []), recorder('b', [], { healthy: false }));
    expect(await both.health!()).toEqual({ ok: false, detail: 'a up; b down' });
    const report = { name: 'redis', ok: true };
    const named = forwardLifecycle({}, { health: () => report });
    expect(await named.health!()).toEqual({ name: 'redis', ok: true });
    const throwing = forwardLifecycle({}, recorder('a', []), { health: () => Promise.reject(new Error('timeout')) });
    expect(await throwing.health!()).toEqual({ ok: false, detail: 'a up; timeout' });
  });

  it('leaves a wrapper of objects without a lifecycle without one', () => {
    const wrapper = forwardLifecycle({ reserve: () => null }, { reserve: () => null });
    expect(hasLifecycle(wrapper)).toBe(false);
  });
});

describe('forwardLifecycle with a wrapper that has a lifecycle of its own', () => {
  it('keeps it: the wrapper opens after what it wraps and closes before it', async () => {
    const log: string[] = [];
    const wrapper = forwardLifecycle({ ...recorder('wrapper', log) }, recorder('inner', log));
    await wrapper.open!();
    await wrapper.close!();
    expect(log).toEqual(['inner.open', 'wrapper.open', 'wrapper.close', 'inner.close']);
    expect(await wrapper.health!()).toEqual({ ok: true, detail: 'inner up; wrapper up' });
  });
});
