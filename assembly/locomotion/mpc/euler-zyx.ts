// ZYX Euler angles Θ = (roll φ, pitch θ, yaw ψ) with R_world_base = Rz(ψ)·Ry(θ)·Rx(φ), as the NMPC
// states use them: the rotation and its partial derivatives, the rate map Θ̇ = E(Θ)⁻¹ ω_world with
// E⁻¹ = [[cψ/cθ, sψ/cθ, 0], [−sψ, cψ, 0], [cψ tθ, sψ tθ, 1]] (singular at θ = ±π/2) and its
// derivative at a fixed ω, and conversions to and from quaternions (wxyz).

/** R = Rz(ψ) Ry(θ) Rx(φ) (9, row-major) and its partial derivatives dR (∂/∂φ, ∂/∂θ, ∂/∂ψ, 9 each). */
export function rotationZyx (R: StaticArray<f64>, dR: StaticArray<f64>, phi: f64, theta: f64, psi: f64): void {
  const cf = Math.cos(phi); const sf = Math.sin(phi)
  const ct = Math.cos(theta); const st = Math.sin(theta)
  const cp = Math.cos(psi); const sp = Math.sin(psi)
  R[0] = cp * ct; R[1] = cp * st * sf - sp * cf; R[2] = cp * st * cf + sp * sf
  R[3] = sp * ct; R[4] = sp * st * sf + cp * cf; R[5] = sp * st * cf - cp * sf
  R[6] = -st; R[7] = ct * sf; R[8] = ct * cf
  // ∂/∂φ
  dR[0] = 0.0; dR[1] = cp * st * cf + sp * sf; dR[2] = -cp * st * sf + sp * cf
  dR[3] = 0.0; dR[4] = sp * st * cf - cp * sf; dR[5] = -sp * st * sf - cp * cf
  dR[6] = 0.0; dR[7] = ct * cf; dR[8] = -ct * sf
  // ∂/∂θ
  dR[9] = -cp * st; dR[10] = cp * ct * sf; dR[11] = cp * ct * cf
  dR[12] = -sp * st; dR[13] = sp * ct * sf; dR[14] = sp * ct * cf
  dR[15] = -ct; dR[16] = -st * sf; dR[17] = -st * cf
  // ∂/∂ψ
  dR[18] = -sp * ct; dR[19] = -sp * st * sf - cp * cf; dR[20] = -sp * st * cf + cp * sf
  dR[21] = cp * ct; dR[22] = cp * st * sf - sp * cf; dR[23] = cp * st * cf + sp * sf
  dR[24] = 0.0; dR[25] = 0.0; dR[26] = 0.0
}

/** E(Θ)⁻¹ (9, row-major): Θ̇ = E⁻¹ ω_world. */
export function eulerRateInverse (E: StaticArray<f64>, theta: f64, psi: f64): void {
  const ct = Math.cos(theta); const st = Math.sin(theta); const cp = Math.cos(psi); const sp = Math.sin(psi)
  E[0] = cp / ct; E[1] = sp / ct; E[2] = 0.0
  E[3] = -sp; E[4] = cp; E[5] = 0.0
  E[6] = cp * st / ct; E[7] = sp * st / ct; E[8] = 1.0
}

/** dE (9, row-major) = ∂(E(Θ)⁻¹ w)/∂Θ at a fixed w (the roll column is zero). */
export function eulerRateInverseDerivative (dE: StaticArray<f64>, theta: f64, psi: f64, wx: f64, wy: f64): void {
  const ct = Math.cos(theta); const st = Math.sin(theta); const cp = Math.cos(psi); const sp = Math.sin(psi)
  // s = cψ wx + sψ wy, s' = ∂s/∂ψ
  const s = cp * wx + sp * wy
  const s1 = -sp * wx + cp * wy
  dE[0] = 0.0; dE[1] = s * st / (ct * ct); dE[2] = s1 / ct
  dE[3] = 0.0; dE[4] = 0.0; dE[5] = -s
  dE[6] = 0.0; dE[7] = s / (ct * ct); dE[8] = s1 * st / ct
}

/** ZYX Euler angles (roll, pitch, yaw) of the quaternion (w, x, y, z) into out[oo..oo+3]. */
export function quatToRpy (out: StaticArray<f64>, oo: i32, w: f64, x: f64, y: f64, z: f64): void {
  const n = Math.sqrt(w * w + x * x + y * y + z * z)
  w /= n; x /= n; y /= n; z /= n
  out[oo] = Math.atan2(2.0 * (w * x + y * z), 1.0 - 2.0 * (x * x + y * y))
  out[oo + 1] = Math.asin(max(-1.0, min(1.0, 2.0 * (w * y - z * x))))
  out[oo + 2] = Math.atan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
}

/** Quaternion (wxyz) of the ZYX Euler angles into out[oo..oo+4]: q = q_z(ψ) ⊗ q_y(θ) ⊗ q_x(φ). */
export function rpyToQuat (out: StaticArray<f64>, oo: i32, phi: f64, theta: f64, psi: f64): void {
  const cf = Math.cos(0.5 * phi); const sf = Math.sin(0.5 * phi)
  const ct = Math.cos(0.5 * theta); const st = Math.sin(0.5 * theta)
  const cp = Math.cos(0.5 * psi); const sp = Math.sin(0.5 * psi)
  out[oo] = cp * ct * cf + sp * st * sf
  out[oo + 1] = cp * ct * sf - sp * st * cf
  out[oo + 2] = cp * st * cf + sp * ct * sf
  out[oo + 3] = sp * ct * cf - cp * st * sf
}
