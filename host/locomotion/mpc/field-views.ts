// Views of an MPC instance's WASM fields by id (the mpc*Field exports), created once and rebuilt
// only when the WASM memory has grown: the MPC host handles read and write them every tick.
import type { CoreInstance } from '../../core/wasm.ts'

export class MpcFieldViews {
  private buf: ArrayBuffer | null = null
  private readonly cache = new Map<number, Float64Array | Uint8Array>()

  constructor (private readonly core: CoreInstance, private readonly fieldFn: (handle: number, id: number) => number, private readonly handle: number) {}

  private view (id: number, len: number, u8: boolean): Float64Array | Uint8Array {
    if (this.buf !== this.core.memory.buffer) { this.cache.clear(); this.buf = this.core.memory.buffer }
    let v = this.cache.get(id)
    if (v === undefined) {
      const ptr = this.fieldFn(this.handle, id)
      v = u8 ? new Uint8Array(this.core.memory.buffer, ptr, len) : this.core.f64(ptr, len)
      this.cache.set(id, v)
    }
    return v
  }

  f64 (id: number, len: number): Float64Array { return this.view(id, len, false) as Float64Array }
  u8 (id: number, len: number): Uint8Array { return this.view(id, len, true) as Uint8Array }
}
