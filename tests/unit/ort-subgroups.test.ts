import { describe, expect, it } from 'vitest';
import { ORT_MIN_SUBGROUP_SIZE, ortDeviceFeatures, subgroupsWithheldReason } from '../../src/core/ort-subgroups.js';

/** SwiftShader's adapter here: subgroups of exactly 4 lanes (subgroupMinSize = subgroupMaxSize = 4). */
const swiftshaderFeatures = [
  'core-features-and-limits',
  'timestamp-query',
  'float32-filterable',
  'subgroup-size-control',
  'subgroups',
  'texture-compression-bc',
];

describe('ortDeviceFeatures', () => {
  it('withholds the subgroup features from an adapter whose subgroups can have 4 lanes, and keeps the rest', () => {
    expect(ortDeviceFeatures({ features: swiftshaderFeatures, subgroupMinSize: 4 })).toEqual([
      'core-features-and-limits',
      'timestamp-query',
      'float32-filterable',
      'texture-compression-bc',
    ]);
  });

  it('withholds the subgroup matrices too, which build on subgroups', () => {
    const features = ['shader-f16', 'subgroups', 'chromium-experimental-subgroup-matrix'];
    expect(ortDeviceFeatures({ features, subgroupMinSize: 4 })).toEqual(['shader-f16']);
  });

  it("leaves ONNX Runtime's own device where subgroups are never narrower than 8 lanes", () => {
    // Intel (8-32), Mali Valhall (16), NVIDIA and Apple (32), AMD (32-64), Adreno (64-128).
    for (const subgroupMinSize of [ORT_MIN_SUBGROUP_SIZE, 16, 32, 64]) {
      expect(ortDeviceFeatures({ features: swiftshaderFeatures, subgroupMinSize })).toBeUndefined();
    }
  });

  it('changes nothing on an adapter without subgroups, whatever size it reports', () => {
    expect(ortDeviceFeatures({ features: ['shader-f16'], subgroupMinSize: 4 })).toBeUndefined();
  });

  it('trusts a browser that does not report the subgroup size', () => {
    expect(ortDeviceFeatures({ features: swiftshaderFeatures })).toBeUndefined();
  });

  it('reads any iterable of feature names, as a GPUSupportedFeatures set is', () => {
    expect(ortDeviceFeatures({ features: new Set(['subgroups', 'shader-f16']), subgroupMinSize: 4 })).toEqual([
      'shader-f16',
    ]);
  });
});

describe('subgroupsWithheldReason', () => {
  it('names the lanes the GPU has and the lanes ONNX Runtime needs', () => {
    expect(subgroupsWithheldReason(4)).toBe(
      "ONNX Runtime's subgroup kernels are off: this GPU's subgroups have 4 lanes, and its flash attention computes wrongly with fewer than 8",
    );
  });
});
