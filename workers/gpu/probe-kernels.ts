/**
 * The GPU probe's WGSL kernels: a streaming read+write for memory bandwidth, a 16x16 tiled
 * matmul in f32 or f16, and a 4-bit dequantize + mat-vec shaped like a decoder's weight reads.
 */
import { Q4_GROUP } from '../../src/core/probe-math.js';

/** Invocations per workgroup of the bandwidth kernel. */
export const WORKGROUP = 256;

export const BANDWIDTH_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * ${WORKGROUP}u + lid;
  if (i < arrayLength(&src)) { dst[i] = src[i] * 2.0 + vec4<f32>(1.0); }
}`;

export function matmulWgsl(f16: boolean): string {
  const t = f16 ? 'f16' : 'f32';
  return /* wgsl */ `
${f16 ? 'enable f16;' : ''}
struct Dims { m: u32, n: u32, k: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> a: array<${t}>;
@group(0) @binding(1) var<storage, read> b: array<${t}>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;
var<workgroup> tileA: array<array<${t}, 16>, 16>;
var<workgroup> tileB: array<array<${t}, 16>, 16>;
@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = gid.y;
  let col = gid.x;
  var acc = 0.0;
  let tiles = (dims.k + 15u) / 16u;
  for (var t = 0u; t < tiles; t++) {
    let ak = t * 16u + lid.x;
    let bk = t * 16u + lid.y;
    var av = ${t}(0.0);
    var bv = ${t}(0.0);
    if (row < dims.m && ak < dims.k) { av = a[row * dims.k + ak]; }
    if (col < dims.n && bk < dims.k) { bv = b[bk * dims.n + col]; }
    tileA[lid.y][lid.x] = av;
    tileB[lid.y][lid.x] = bv;
    workgroupBarrier();
    for (var i = 0u; i < 16u; i++) { acc += f32(tileA[lid.y][i]) * f32(tileB[i][lid.x]); }
    workgroupBarrier();
  }
  if (row < dims.m && col < dims.n) { c[row * dims.n + col] = acc; }
}`;
}

/** Invocations per row of the mat-vec. */
const MATVEC_THREADS = 64;
export const MATVEC_WGSL = /* wgsl */ `
struct Dims { rows: u32, cols: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> weights: array<u32>;
@group(0) @binding(1) var<storage, read> scales: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> dims: Dims;
var<workgroup> partial: array<f32, ${MATVEC_THREADS}>;
@compute @workgroup_size(${MATVEC_THREADS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * groups.x + wid.x;
  let words = dims.cols / 8u;
  let groupsPerRow = dims.cols / ${Q4_GROUP}u;
  var acc = 0.0;
  if (row < dims.rows) {
    for (var w = lid; w < words; w += ${MATVEC_THREADS}u) {
      let word = weights[row * words + w];
      let scale = scales[row * groupsPerRow + w / ${Q4_GROUP / 8}u];
      let base = w * 8u;
      var sum = 0.0;
      for (var j = 0u; j < 8u; j++) {
        let q = f32((word >> (4u * j)) & 0xfu) - 8.0;
        sum += q * x[base + j];
      }
      acc += sum * scale;
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  // One barrier, then one thread sums the partials.
  if (lid == 0u && row < dims.rows) {
    var total = 0.0;
    for (var i = 0u; i < ${MATVEC_THREADS}u; i++) { total += partial[i]; }
    y[row] = total;
  }
}`;
