/**
 * The device fingerprint a benchmark result carries: what the worker's adapter reports, and
 * what the browser says about itself (brand and version from User-Agent Client Hints where the
 * browser has them, else from the user-agent string).
 */
import type { BenchDevice } from '../core/bench-schema.js';
import type { DeviceReport } from '../shared/engine-api.js';

interface UaBrand {
  brand: string;
  version: string;
}

interface NavigatorWithHints {
  userAgent: string;
  platform?: string;
  userAgentData?: { brands?: UaBrand[]; platform?: string };
}

/** The browser's own brand, skipping Client Hints' decoy ("Not A;Brand") and the engine entry. */
export function browserBrand(nav: NavigatorWithHints): { brand: string; version: string } {
  const brands = nav.userAgentData?.brands ?? [];
  const real = brands.filter((entry) => !/not.?a.?brand/i.test(entry.brand));
  const specific = real.find((entry) => entry.brand !== 'Chromium') ?? real[0];
  if (specific) return { brand: specific.brand, version: specific.version };
  const named = /(Firefox|Edg|OPR|Chrome|Chromium)\/(\d+)/.exec(nav.userAgent);
  if (named) return { brand: named[1] === 'Edg' ? 'Microsoft Edge' : named[1]!, version: named[2]! };
  const safari = /Version\/(\d+)[^ ]* .*Safari\//.exec(nav.userAgent);
  if (safari) return { brand: 'Safari', version: safari[1]! };
  return { brand: 'unknown', version: '' };
}

export function benchDevice(report: DeviceReport, nav: NavigatorWithHints = navigator): BenchDevice {
  const device: BenchDevice = {
    adapter: {
      vendor: report.vendor,
      architecture: report.architecture,
      description: report.description || report.device,
      isFallbackAdapter: report.isFallbackAdapter,
    },
    features: [...report.features],
    limits: { ...(report.allLimits ?? report.limits) },
    browser: browserBrand(nav),
    platform: nav.userAgentData?.platform || nav.platform || 'unknown',
  };
  if (report.hardwareConcurrency !== undefined) device.hardwareConcurrency = report.hardwareConcurrency;
  if (report.deviceMemoryGB !== undefined) device.deviceMemoryGB = report.deviceMemoryGB;
  return device;
}
