// A self-describing list of the typed arrays of a Model or Data (name, pointer, length, element type),
// so the host can build zero-copy views by name without mirroring a field layout by hand.

export const FIELD_F64: i32 = 0
export const FIELD_I32: i32 = 1

export class FieldTable {
  names: Array<string> = []
  ptrs: Array<usize> = []
  lengths: Array<i32> = []
  kinds: Array<i32> = []

  f64 (name: string, a: StaticArray<f64>): StaticArray<f64> {
    this.names.push(name)
    this.ptrs.push(changetype<usize>(a))
    this.lengths.push(a.length)
    this.kinds.push(FIELD_F64)
    return a
  }

  i32 (name: string, a: StaticArray<i32>): StaticArray<i32> {
    this.names.push(name)
    this.ptrs.push(changetype<usize>(a))
    this.lengths.push(a.length)
    this.kinds.push(FIELD_I32)
    return a
  }

  get count (): i32 { return this.names.length }
}
