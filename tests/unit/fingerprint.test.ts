import { describe, expect, it } from 'vitest';
import { benchDevice, browserBrand } from '../../src/measure/fingerprint.js';
import type { DeviceReport } from '../../src/shared/engine-api.js';

const report: DeviceReport = {
  webgpu: 'available',
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: 'SwiftShader Device (Subzero)',
  isFallbackAdapter: true,
  features: ['float32-filterable'],
  limits: { maxBufferSize: 1, maxStorageBufferBindingSize: 2, maxComputeWorkgroupStorageSize: 3 },
  allLimits: { maxBufferSize: 1, maxStorageBufferBindingSize: 2, maxComputeWorkgroupStorageSize: 3, maxBindGroups: 4 },
  deviceMemoryGB: 8,
  hardwareConcurrency: 2,
};

describe('browserBrand', () => {
  it('prefers the specific Client Hints brand over Chromium and the decoy', () => {
    const brands = [
      { brand: 'Not)A;Brand', version: '99' },
      { brand: 'Chromium', version: '140' },
      { brand: 'Google Chrome', version: '140' },
    ];
    expect(browserBrand({ userAgent: '', userAgentData: { brands } })).toEqual({
      brand: 'Google Chrome',
      version: '140',
    });
    expect(browserBrand({ userAgent: '', userAgentData: { brands: brands.slice(0, 2) } })).toEqual({
      brand: 'Chromium',
      version: '140',
    });
  });

  it('falls back to the user-agent string', () => {
    expect(
      browserBrand({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:141.0) Gecko/20100101 Firefox/141.0' }),
    ).toEqual({
      brand: 'Firefox',
      version: '141',
    });
    expect(
      browserBrand({
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15',
      }),
    ).toEqual({ brand: 'Safari', version: '26' });
    expect(browserBrand({ userAgent: 'curl/8' })).toEqual({ brand: 'unknown', version: '' });
  });
});

describe('benchDevice', () => {
  it('carries the adapter, every limit and the host facts', () => {
    const device = benchDevice(report, {
      userAgent: '',
      platform: 'Linux x86_64',
      userAgentData: { platform: 'Linux' },
    });
    expect(device).toEqual({
      adapter: {
        vendor: 'google',
        architecture: 'swiftshader',
        description: 'SwiftShader Device (Subzero)',
        isFallbackAdapter: true,
      },
      features: ['float32-filterable'],
      limits: report.allLimits,
      browser: { brand: 'unknown', version: '' },
      platform: 'Linux',
      hardwareConcurrency: 2,
      deviceMemoryGB: 8,
    });
  });
});
