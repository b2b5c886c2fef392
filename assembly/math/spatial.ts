// Spatial algebra (Featherstone) on flat f64 arrays, in world-aligned coordinates at one reference
// point (the dynamics use the world origin), linear part first:
// - motion  m = [v (3), ω (3)]: v is the velocity of the body-fixed point at the reference point;
// - force   f = [f (3), n (3)]: n is the moment about the reference point;
// - inertia I = [m, h (3), Ixx, Iyy, Izz, Ixy, Ixz, Iyz] (10): mass, first moment h = m·c, and the
//   rotational inertia about the reference point (symmetric, 6 unique entries).
// Output first, offsets after their array; outputs must not alias inputs.

/** out = a ×ₘ b (motion cross product): [ω_a × v_b + v_a × ω_b, ω_a × ω_b]. */
@inline export function motionCross (out: StaticArray<f64>, oo: i32, a: StaticArray<f64>, ao: i32, b: StaticArray<f64>, bo: i32): void {
  const vx = unchecked(a[ao]); const vy = unchecked(a[ao + 1]); const vz = unchecked(a[ao + 2])
  const wx = unchecked(a[ao + 3]); const wy = unchecked(a[ao + 4]); const wz = unchecked(a[ao + 5])
  const ux = unchecked(b[bo]); const uy = unchecked(b[bo + 1]); const uz = unchecked(b[bo + 2])
  const zx = unchecked(b[bo + 3]); const zy = unchecked(b[bo + 4]); const zz = unchecked(b[bo + 5])
  unchecked(out[oo] = wy * uz - wz * uy + vy * zz - vz * zy)
  unchecked(out[oo + 1] = wz * ux - wx * uz + vz * zx - vx * zz)
  unchecked(out[oo + 2] = wx * uy - wy * ux + vx * zy - vy * zx)
  unchecked(out[oo + 3] = wy * zz - wz * zy)
  unchecked(out[oo + 4] = wz * zx - wx * zz)
  unchecked(out[oo + 5] = wx * zy - wy * zx)
}

/** out += v ×* f (force cross product): [ω × f, ω × n + v × f]. */
@inline export function forceCrossAdd (out: StaticArray<f64>, oo: i32, v: StaticArray<f64>, vo: i32, f: StaticArray<f64>, fo: i32): void {
  const vx = unchecked(v[vo]); const vy = unchecked(v[vo + 1]); const vz = unchecked(v[vo + 2])
  const wx = unchecked(v[vo + 3]); const wy = unchecked(v[vo + 4]); const wz = unchecked(v[vo + 5])
  const fx = unchecked(f[fo]); const fy = unchecked(f[fo + 1]); const fz = unchecked(f[fo + 2])
  const nx = unchecked(f[fo + 3]); const ny = unchecked(f[fo + 4]); const nz = unchecked(f[fo + 5])
  unchecked(out[oo] += wy * fz - wz * fy)
  unchecked(out[oo + 1] += wz * fx - wx * fz)
  unchecked(out[oo + 2] += wx * fy - wy * fx)
  unchecked(out[oo + 3] += wy * nz - wz * ny + vy * fz - vz * fy)
  unchecked(out[oo + 4] += wz * nx - wx * nz + vz * fx - vx * fz)
  unchecked(out[oo + 5] += wx * ny - wy * nx + vx * fy - vy * fx)
}

/** out = I·m (momentum of a rigid body of inertia I moving with m): [m·v + ω × h, I·ω + h × v]. */
@inline export function inertiaMulMotion (out: StaticArray<f64>, oo: i32, I: StaticArray<f64>, io: i32, m: StaticArray<f64>, mo: i32): void {
  const mass = unchecked(I[io])
  const hx = unchecked(I[io + 1]); const hy = unchecked(I[io + 2]); const hz = unchecked(I[io + 3])
  const ixx = unchecked(I[io + 4]); const iyy = unchecked(I[io + 5]); const izz = unchecked(I[io + 6])
  const ixy = unchecked(I[io + 7]); const ixz = unchecked(I[io + 8]); const iyz = unchecked(I[io + 9])
  const vx = unchecked(m[mo]); const vy = unchecked(m[mo + 1]); const vz = unchecked(m[mo + 2])
  const wx = unchecked(m[mo + 3]); const wy = unchecked(m[mo + 4]); const wz = unchecked(m[mo + 5])
  unchecked(out[oo] = mass * vx + wy * hz - wz * hy)
  unchecked(out[oo + 1] = mass * vy + wz * hx - wx * hz)
  unchecked(out[oo + 2] = mass * vz + wx * hy - wy * hx)
  unchecked(out[oo + 3] = ixx * wx + ixy * wy + ixz * wz + hy * vz - hz * vy)
  unchecked(out[oo + 4] = ixy * wx + iyy * wy + iyz * wz + hz * vx - hx * vz)
  unchecked(out[oo + 5] = ixz * wx + iyz * wy + izz * wz + hx * vy - hy * vx)
}

/** Pairing of a motion and a force (power): v·f + ω·n. */
@inline export function motionDotForce (m: StaticArray<f64>, mo: i32, f: StaticArray<f64>, fo: i32): f64 {
  return unchecked(m[mo] * f[fo] + m[mo + 1] * f[fo + 1] + m[mo + 2] * f[fo + 2] +
    m[mo + 3] * f[fo + 3] + m[mo + 4] * f[fo + 4] + m[mo + 5] * f[fo + 5])
}

/**
 * out = the spatial inertia, at the world origin in world axes, of a body with mass m whose centre
 * of mass is at c (world) and whose rotational inertia about the CoM is R·Ic·Rᵀ (Ic 3×3 row-major at
 * `ic[io]`, in the body axes; R world-from-body at `rot[ro]`):
 * h = m·c, I_O = R·Ic·Rᵀ + m·(|c|²·E − c·cᵀ) (parallel-axis theorem).
 */
@inline export function inertiaToWorld (out: StaticArray<f64>, oo: i32, mass: f64, cx: f64, cy: f64, cz: f64,
  ic: StaticArray<f64>, io: i32, rot: StaticArray<f64>, ro: i32): void {
  const r00 = unchecked(rot[ro]); const r01 = unchecked(rot[ro + 1]); const r02 = unchecked(rot[ro + 2])
  const r10 = unchecked(rot[ro + 3]); const r11 = unchecked(rot[ro + 4]); const r12 = unchecked(rot[ro + 5])
  const r20 = unchecked(rot[ro + 6]); const r21 = unchecked(rot[ro + 7]); const r22 = unchecked(rot[ro + 8])
  const i00 = unchecked(ic[io]); const i01 = unchecked(ic[io + 1]); const i02 = unchecked(ic[io + 2])
  const i11 = unchecked(ic[io + 4]); const i12 = unchecked(ic[io + 5]); const i22 = unchecked(ic[io + 8])
  // T = R·Ic (Ic symmetric)
  const t00 = r00 * i00 + r01 * i01 + r02 * i02; const t01 = r00 * i01 + r01 * i11 + r02 * i12; const t02 = r00 * i02 + r01 * i12 + r02 * i22
  const t10 = r10 * i00 + r11 * i01 + r12 * i02; const t11 = r10 * i01 + r11 * i11 + r12 * i12; const t12 = r10 * i02 + r11 * i12 + r12 * i22
  const t20 = r20 * i00 + r21 * i01 + r22 * i02; const t21 = r20 * i01 + r21 * i11 + r22 * i12; const t22 = r20 * i02 + r21 * i12 + r22 * i22
  const c2 = cx * cx + cy * cy + cz * cz
  unchecked(out[oo] = mass)
  unchecked(out[oo + 1] = mass * cx)
  unchecked(out[oo + 2] = mass * cy)
  unchecked(out[oo + 3] = mass * cz)
  unchecked(out[oo + 4] = t00 * r00 + t01 * r01 + t02 * r02 + mass * (c2 - cx * cx))
  unchecked(out[oo + 5] = t10 * r10 + t11 * r11 + t12 * r12 + mass * (c2 - cy * cy))
  unchecked(out[oo + 6] = t20 * r20 + t21 * r21 + t22 * r22 + mass * (c2 - cz * cz))
  unchecked(out[oo + 7] = t00 * r10 + t01 * r11 + t02 * r12 - mass * cx * cy)
  unchecked(out[oo + 8] = t00 * r20 + t01 * r21 + t02 * r22 - mass * cx * cz)
  unchecked(out[oo + 9] = t10 * r20 + t11 * r21 + t12 * r22 - mass * cy * cz)
}
