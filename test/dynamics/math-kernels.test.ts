// The AS math kernels (assembly/math/*) against plain-JS references. A small AS harness, held in
// this file as a string, wraps each kernel over scratch arrays; it is compiled at test time by the asc
// CLI in a plain Node child (SIMD on, assertions on), so kernels no algorithm uses yet are checked too.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { readAsString } from '../../host/core/wasm.ts'
import { integrate, relErr, repoRoot, rng } from './helpers.ts'
import type { RobotDescription } from '../../host/robot/description.ts'

const harness = (math: string): string => `
import { dot, matVec, matTVec, matMul } from '${math}/dense'
import { quatToMat3, quatMul, quatNormalize, quatIntegrateBody } from '${math}/quaternion'
import { mat3Mul, mat3MulVec, mat3TMulVec, mat3AxisAngle, mat3IsIdentity, mat3Identity, mat3Copy } from '${math}/rotation'
import { motionCross, forceCrossAdd, inertiaMulMotion, motionDotForce, inertiaToWorld } from '${math}/spatial'
import { dot6, copy6, add6, axpy6, add10, copyN } from '${math}/simd'
const A = new StaticArray<f64>(512)
const B = new StaticArray<f64>(512)
const C = new StaticArray<f64>(512)
export function ptrA (): usize { return changetype<usize>(A) }
export function ptrB (): usize { return changetype<usize>(B) }
export function ptrC (): usize { return changetype<usize>(C) }
export function t_dot (ao: i32, bo: i32, n: i32): f64 { return dot(A, ao, B, bo, n) }
export function t_matVec (m: i32, n: i32): void { matVec(C, 0, A, 0, B, 0, m, n) }
export function t_matTVec (m: i32, n: i32): void { matTVec(C, 0, A, 0, B, 0, m, n) }
export function t_matMul (m: i32, k: i32, n: i32): void { matMul(C, A, B, m, k, n) }
export function t_quatToMat3 (): void { quatToMat3(C, 0, A[0], A[1], A[2], A[3]) }
export function t_quatMul (): void { quatMul(C, 0, A, 0, B, 0) }
export function t_quatNormalize (): void { quatNormalize(A, 0) }
export function t_quatIntegrateBody (dt: f64): void { quatIntegrateBody(A, 0, B[0], B[1], B[2], dt) }
export function t_mat3Mul (): void { mat3Mul(C, 0, A, 0, B, 0) }
export function t_mat3MulVec (): void { mat3MulVec(C, 0, A, 0, B[0], B[1], B[2]); mat3TMulVec(C, 3, A, 0, B[0], B[1], B[2]) }
export function t_mat3AxisAngle (angle: f64): void { mat3AxisAngle(C, 0, A[0], A[1], A[2], angle) }
export function t_mat3IsIdentity (): i32 { return mat3IsIdentity(A, 0) ? 1 : 0 }
export function t_mat3IdentityCopy (): void { mat3Identity(C, 0); mat3Copy(C, 9, A, 0) }
export function t_motionCross (): void { motionCross(C, 0, A, 0, B, 0) }
export function t_forceCrossAdd (): void { forceCrossAdd(C, 0, A, 0, B, 0) }
export function t_inertiaMulMotion (): void { inertiaMulMotion(C, 0, A, 0, B, 0) }
export function t_motionDotForce (): f64 { return motionDotForce(A, 0, B, 0) }
export function t_inertiaToWorld (): void { inertiaToWorld(C, 0, A[0], A[1], A[2], A[3], A, 4, B, 0) }
export function t_simd (s: f64): f64 {
  copy6(C, 0, A, 0); add6(C, 0, B, 0); axpy6(C, 6, A, 0, s); add10(C, 20, B, 10); copyN(C, 40, A, 3, 7)
  return dot6(A, 1, B, 2)
}
`

type Fn = (...a: number[]) => number
let ex: Record<string, Fn> & { memory: WebAssembly.Memory }

async function compileHarness (): Promise<void> {
  // asc loads far faster in plain Node than through tsx's loader, hence the child process
  const dir = mkdtempSync(join(tmpdir(), 'cerebellum-math-'))
  let binary: Buffer
  try {
    writeFileSync(join(dir, 'harness.ts'), harness(relative(dir, join(repoRoot, 'assembly/math')).replace(/\\/g, '/')))
    const ascBin = join(repoRoot, 'node_modules/assemblyscript/bin/asc.js')
    const r = spawnSync(process.execPath, [ascBin, join(dir, 'harness.ts'), '--outFile', join(dir, 'harness.wasm'), '--optimizeLevel', '0',
      '--enable', 'simd', '--runtime', 'stub', '--config', 'none'], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`harness did not compile:\n${r.stdout}${r.stderr}`)
    binary = readFileSync(join(dir, 'harness.wasm'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  let mem: WebAssembly.Memory | null = null
  const module = await WebAssembly.compile(new Uint8Array(binary))
  const instance = await WebAssembly.instantiate(module, {
    env: { abort: (m: number, f: number, l: number) => { throw new Error(`abort: ${mem !== null ? readAsString(mem, m) : ''} ${mem !== null ? readAsString(mem, f) : ''}:${l}`) } }
  })
  ex = instance.exports as typeof ex
  mem = ex.memory
}

const view = (name: 'ptrA' | 'ptrB' | 'ptrC'): Float64Array => new Float64Array(ex.memory.buffer, ex[name](), 512)
const rand = rng(42)
const fill = (a: Float64Array, n: number): void => { for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1 }
const cross = (a: ArrayLike<number>, b: ArrayLike<number>): number[] => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
const mat3 = (a: ArrayLike<number>, b: ArrayLike<number>): number[] => {
  const c = new Array<number>(9).fill(0)
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) c[3 * i + j] += a[3 * i + k] * b[3 * k + j]
  return c
}
const quatMat = (q: number[]): number[] => {
  const n = Math.hypot(...q); const [w, x, y, z] = q.map((v) => v / n)
  return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y), 2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x), 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
}
const TOL = 1e-14

test.before(compileHarness)

test('dense: dot (every length 0..11, odd offsets), matVec, matTVec, matMul', () => {
  const A = view('ptrA'); const B = view('ptrB'); const C = view('ptrC')
  fill(A, 512); fill(B, 512)
  for (let n = 0; n < 12; n++) {
    let ref = 0
    for (let i = 0; i < n; i++) ref += A[3 + i] * B[5 + i]
    assert.ok(Math.abs(ex.t_dot(3, 5, n) - ref) < TOL, `dot n=${n}`)
  }
  const m = 5; const n = 7; const k = 3
  ex.t_matVec(m, n)
  for (let r = 0; r < m; r++) { let s = 0; for (let c = 0; c < n; c++) s += A[r * n + c] * B[c]; assert.ok(Math.abs(C[r] - s) < TOL, 'matVec') }
  ex.t_matTVec(m, n)
  for (let c = 0; c < n; c++) { let s = 0; for (let r = 0; r < m; r++) s += A[r * n + c] * B[r]; assert.ok(Math.abs(C[c] - s) < TOL, 'matTVec') }
  ex.t_matMul(m, k, n)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; for (let p = 0; p < k; p++) s += A[i * k + p] * B[p * n + j]; assert.ok(Math.abs(C[i * n + j] - s) < TOL, 'matMul') }
})

test('quaternions: to matrix (normalizing), product, normalize, body-rate integration', () => {
  const A = view('ptrA'); const B = view('ptrB'); const C = view('ptrC')
  const q = [0.3, -0.5, 0.2, 0.9]
  A.set(q); ex.t_quatToMat3()
  assert.ok(relErr(C.subarray(0, 9), quatMat(q)) < TOL, 'quatToMat3 normalizes')
  A.set([0, 0, 0, 0]); ex.t_quatToMat3()
  assert.equal(Array.from(C.subarray(0, 9)), [1, 0, 0, 0, 1, 0, 0, 0, 1], 'zero quaternion → identity')
  const p = [0.1, 0.7, -0.4, 0.2]
  A.set(q); B.set(p); ex.t_quatMul()
  assert.ok(relErr(quatMat(Array.from(C.subarray(0, 4))), mat3(quatMat(q), quatMat(p))) < 1e-12, 'R(a⊗b) = R(a)·R(b)')
  A.set(q); ex.t_quatNormalize()
  assert.ok(Math.abs(Math.hypot(...A.subarray(0, 4)) - 1) < TOL)
  // integration: same rule as the free joint (helpers.integrate mirrors MuJoCo's)
  const n = Math.hypot(...q); const qn = q.map((v) => v / n)
  const desc = { bodies: [{ joints: [{ type: 'free' }] }] } as unknown as RobotDescription
  const w = [0.4, -1.3, 2.2]
  A.set(qn); B.set(w); ex.t_quatIntegrateBody(0.01)
  const ref = integrate(desc, [0, 0, 0, ...qn], [0, 0, 0, ...w], 0.01)
  assert.ok(relErr(A.subarray(0, 4), ref.subarray(3, 7)) < TOL, 'quatIntegrateBody')
})

test('rotations: product, R·v and Rᵀ·v, axis-angle, identity checks and copies', () => {
  const A = view('ptrA'); const B = view('ptrB'); const C = view('ptrC')
  fill(A, 9); fill(B, 9)
  ex.t_mat3Mul()
  assert.ok(relErr(C.subarray(0, 9), mat3(A, B)) < TOL)
  ex.t_mat3MulVec()
  const Rv = [0, 1, 2].map((i) => A[3 * i] * B[0] + A[3 * i + 1] * B[1] + A[3 * i + 2] * B[2])
  const RTv = [0, 1, 2].map((i) => A[i] * B[0] + A[3 + i] * B[1] + A[6 + i] * B[2])
  assert.ok(relErr(C.subarray(0, 6), [...Rv, ...RTv]) < TOL)
  const axis = [0.48, -0.6, 0.64]
  A.set(axis); ex.t_mat3AxisAngle(0.7)
  const h = 0.35
  assert.ok(relErr(C.subarray(0, 9), quatMat([Math.cos(h), ...axis.map((a) => a * Math.sin(h))])) < TOL, 'axis-angle = quaternion rotation')
  A.set([1, 0, 0, 0, 1, 0, 0, 0, 1]); assert.is(ex.t_mat3IsIdentity(), 1)
  A[5] = 1e-18; assert.is(ex.t_mat3IsIdentity(), 0)
  fill(A, 9); ex.t_mat3IdentityCopy()
  assert.equal(Array.from(C.subarray(0, 18)), [1, 0, 0, 0, 1, 0, 0, 0, 1, ...A.subarray(0, 9)])
})

test('spatial: cross products, inertia·motion and the world inertia against 6×6 matrix forms', () => {
  const A = view('ptrA'); const B = view('ptrB'); const C = view('ptrC')
  fill(A, 6); fill(B, 6)
  const v = Array.from(A.subarray(0, 3)); const w = Array.from(A.subarray(3, 6))
  const u = Array.from(B.subarray(0, 3)); const z = Array.from(B.subarray(3, 6))
  ex.t_motionCross()
  const mc = [...cross(w, u).map((x, i) => x + cross(v, z)[i]), ...cross(w, z)]
  assert.ok(relErr(C.subarray(0, 6), mc) < TOL, 'motion cross')
  C.fill(1, 0, 6); ex.t_forceCrossAdd()
  const fc = [...cross(w, u), ...cross(w, z).map((x, i) => x + cross(v, u)[i])].map((x) => x + 1)
  assert.ok(relErr(C.subarray(0, 6), fc) < TOL, 'force cross (added)')
  assert.ok(Math.abs(ex.t_motionDotForce() - [...v, ...w].reduce((s, x, i) => s + x * B[i], 0)) < TOL)
  // inertia [m, h, Ixx Iyy Izz Ixy Ixz Iyz] · [v, ω] = [[m·E, −[h]×], [[h]×, I]]·[v; ω]
  const m = 2.5; const hv = [0.3, -0.2, 0.5]; const I6 = [0.4, 0.5, 0.6, 0.01, -0.02, 0.03]
  A.set([m, ...hv, ...I6]); B.set([...u, ...z])
  ex.t_inertiaMulMotion()
  const I3 = [I6[0], I6[3], I6[4], I6[3], I6[1], I6[5], I6[4], I6[5], I6[2]]
  const lin = u.map((x, i) => m * x - cross(hv, z)[i])
  const ang = [0, 1, 2].map((i) => I3[3 * i] * z[0] + I3[3 * i + 1] * z[1] + I3[3 * i + 2] * z[2] + cross(hv, u)[i])
  assert.ok(relErr(C.subarray(0, 6), [...lin, ...ang]) < TOL, 'inertia · motion')
  // world inertia: rotate a body-frame tensor, then the parallel-axis term at the CoM c
  const Ic = [0.02, 0.001, -0.002, 0.001, 0.03, 0.004, -0.002, 0.004, 0.05]
  const c = [0.4, -0.7, 1.1]
  const R = quatMat([0.9, 0.1, -0.3, 0.2])
  A.set([m, ...c, ...Ic]); B.set(R)
  ex.t_inertiaToWorld()
  const RIRt = mat3(mat3(R, Ic), [R[0], R[3], R[6], R[1], R[4], R[7], R[2], R[5], R[8]])
  const cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2]
  const IO = RIRt.map((x, k) => x + m * ((k % 4 === 0 ? cc : 0) - c[Math.floor(k / 3)] * c[k % 3]))
  assert.ok(relErr(C.subarray(0, 10), [m, m * c[0], m * c[1], m * c[2], IO[0], IO[4], IO[8], IO[1], IO[2], IO[5]]) < TOL, 'inertiaToWorld')
})

test('simd helpers: dot6, copy6, add6, axpy6, add10, copyN', () => {
  const A = view('ptrA'); const B = view('ptrB'); const C = view('ptrC')
  fill(A, 40); fill(B, 40); C.fill(7, 0, 60)
  const d = ex.t_simd(0.5)
  let ref = 0
  for (let i = 0; i < 6; i++) ref += A[1 + i] * B[2 + i]
  assert.ok(Math.abs(d - ref) < TOL, 'dot6')
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(C[i] - (A[i] + B[i])) < TOL, 'copy6 + add6')
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(C[6 + i] - (7 + 0.5 * A[i])) < TOL, 'axpy6')
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(C[20 + i] - (7 + B[10 + i])) < TOL, 'add10')
  assert.equal(Array.from(C.subarray(40, 47)), Array.from(A.subarray(3, 10)), 'copyN')
  assert.is(C[47], 7, 'copyN stops at n')
})

test.run()
