import { describe, expect, it } from 'vitest';
import { builtAttributes, lazyAttributes } from './lazy-attributes.js';

describe('lazyAttributes', () => {
  const plain = { specversion: '1.0', id: 'e-1', size: 3, wrapped: false };

  it('builds nothing until looked at, then once', () => {
    let builds = 0;
    const lazy = lazyAttributes(() => (builds++, { ...plain }));
    expect(builds).toBe(0);
    expect(lazy.id).toBe('e-1');
    expect('size' in lazy).toBe(true);
    expect(Object.keys(lazy)).toEqual(Object.keys(plain));
    expect(builds).toBe(1);
  });

  it('behaves as the plain record for every way a reader looks: equality, spread, JSON, entries', () => {
    const lazy = lazyAttributes(() => ({ ...plain }));
    expect(lazy).toEqual(plain);
    expect({ ...lazy }).toEqual(plain);
    expect(JSON.parse(JSON.stringify(lazy))).toEqual(plain);
    expect(Object.entries(lazy)).toEqual(Object.entries(plain));
    expect(Object.getOwnPropertyDescriptor(lazy, 'missing')).toBeUndefined();
    expect('missing' in lazy).toBe(false);
  });

  it('is read-only, as a carrier read is', () => {
    const lazy = lazyAttributes(() => ({ ...plain })) as Record<string, unknown>;
    expect(() => {
      'use strict';
      lazy.id = 'x';
    }).toThrow(TypeError);
    expect(lazy.id).toBe('e-1');
  });

  it('gives the plain record behind it (what cloudEventOf returns), and a plain record as it is', () => {
    const built = { ...plain };
    const lazy = lazyAttributes(() => built);
    expect(builtAttributes(lazy)).toBe(built);
    expect(builtAttributes(built)).toBe(built);
  });
});
