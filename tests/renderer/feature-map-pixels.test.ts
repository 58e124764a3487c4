/** Feature maps as images: each channel scaled to its own range; a constant one mid-grey with its value. */
import { describe, expect, it } from 'vitest';
import { channelImage, CONSTANT_GREY, formatActivation } from '../../renderer/src/components/feature-map-pixels.ts';

describe('a feature-map channel as an image', () => {
  it('scales each channel to its own range, channels last', () => {
    // 2×2 map, 2 channels: channel 0 runs 0…3, channel 1 runs 10…13.
    const values = [0, 10, 1, 11, 2, 12, 3, 13];
    expect([...channelImage(values, [2, 2, 2], 0).grey]).toEqual([0, 85, 170, 255]);
    expect([...channelImage(values, [2, 2, 2], 1).grey]).toEqual([0, 85, 170, 255]);
    expect(channelImage(values, [2, 2, 2], 1).constant).toBeNull();
  });

  it('draws a 1×1 map mid-grey and gives its value, never a black square', () => {
    const oneByOne = channelImage([0.8349, -2.5], [1, 1, 2], 0);
    expect([...oneByOne.grey]).toEqual([CONSTANT_GREY]);
    expect(oneByOne.constant).toBeCloseTo(0.8349);
    const dead = channelImage([0, 0, 0, 0], [2, 2, 1], 0);
    expect([...dead.grey]).toEqual([CONSTANT_GREY, CONSTANT_GREY, CONSTANT_GREY, CONSTANT_GREY]);
    expect(dead.constant).toBe(0);
  });

  it('labels values briefly at any size', () => {
    expect(formatActivation(0.8349)).toBe('0.83');
    expect(formatActivation(-2.5)).toBe('-2.5');
    expect(formatActivation(0)).toBe('0');
    expect(formatActivation(12345)).toBe('1.2e+4');
    expect(formatActivation(0.0004)).toBe('4.0e-4');
    expect(formatActivation(40)).toBe('40');
  });
});
