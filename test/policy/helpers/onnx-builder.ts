// A minimal ONNX model encoder for tests: protobuf wire format by hand (varints, length-delimited
// fields) for the messages of onnx.proto an MLP needs. Field numbers from onnx/onnx.proto:
//   ModelProto        ir_version 1, producer_name 2, graph 7, opset_import 8
//   OperatorSetIdProto domain 1, version 2
//   GraphProto        node 1, name 2, initializer 5, input 11, output 12
//   NodeProto         input 1, output 2, name 3, op_type 4, attribute 5
//   AttributeProto    name 1, f 2, i 3, type 20 (FLOAT 1, INT 2)
//   TensorProto       dims 1, data_type 2 (FLOAT 1), name 8, raw_data 9 (little-endian)
//   ValueInfoProto    name 1, type 2;  TypeProto tensor_type 1;  TypeProto.Tensor elem_type 1, shape 2
//   TensorShapeProto  dim 1;  Dimension dim_value 1, dim_param 2

class Pb {
  private bytes: number[] = []
  varint (v: number | bigint): this {
    let x = BigInt(v)
    if (x < 0n) x += 1n << 64n
    do {
      let b = Number(x & 0x7fn)
      x >>= 7n
      if (x !== 0n) b |= 0x80
      this.bytes.push(b)
    } while (x !== 0n)
    return this
  }
  tag (field: number, wire: number): this { return this.varint((field << 3) | wire) }
  int (field: number, v: number): this { return this.tag(field, 0).varint(v) }
  f32 (field: number, v: number): this {
    this.tag(field, 5)
    const b = new Uint8Array(new Float32Array([v]).buffer)
    this.bytes.push(...b)
    return this
  }
  raw (field: number, data: Uint8Array): this { this.tag(field, 2).varint(data.length); this.bytes.push(...data); return this }
  str (field: number, s: string): this { return this.raw(field, new TextEncoder().encode(s)) }
  msg (field: number, m: Pb): this { return this.raw(field, m.done()) }
  done (): Uint8Array { return Uint8Array.from(this.bytes) }
}

export interface Dense { W: number[][], b: number[] }

function tensor (name: string, dims: number[], values: number[]): Pb {
  const t = new Pb()
  for (const d of dims) t.int(1, d)
  t.int(2, 1)
  t.str(8, name)
  t.raw(9, new Uint8Array(new Float32Array(values).buffer))
  return t
}

function valueInfo (name: string, dims: Array<number | string>): Pb {
  const shape = new Pb()
  for (const d of dims) shape.msg(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().str(2, d))
  const tt = new Pb().int(1, 1).msg(2, shape)
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tt))
}

function node (op: string, inputs: string[], outputs: string[], name: string, attrs: Array<{ name: string, i: number }> = []): Pb {
  const n = new Pb()
  for (const i of inputs) n.str(1, i)
  for (const o of outputs) n.str(2, o)
  n.str(3, name)
  n.str(4, op)
  for (const a of attrs) n.msg(5, new Pb().str(1, a.name).int(3, a.i).int(20, 2))
  return n
}

/**
 * An MLP: y = L_n(relu(… relu(L_1(x)))), each L_k(x) = W_k x + b_k as Gemm(x, W_k, b_k, transB = 1)
 * with W_k stored as [out, in]. Input 'obs' [batch, in], output 'actions' [batch, out].
 */
export function buildMlpOnnx (layers: Dense[], inputName = 'obs', outputName = 'actions'): Uint8Array {
  const g = new Pb()
  let cur = inputName
  layers.forEach((l, k) => {
    const out = l.W.length
    const inp = l.W[0].length
    g.msg(5, tensor(`W${k}`, [out, inp], l.W.flat()))
    g.msg(5, tensor(`b${k}`, [out], l.b))
    const last = k === layers.length - 1
    const gemmOut = last ? outputName : `h${k}`
    g.msg(1, node('Gemm', [cur, `W${k}`, `b${k}`], [gemmOut], `gemm${k}`, [{ name: 'transB', i: 1 }]))
    if (!last) {
      g.msg(1, node('Relu', [gemmOut], [`r${k}`], `relu${k}`))
      cur = `r${k}`
    }
  })
  g.str(2, 'mlp')
  g.msg(11, valueInfo(inputName, ['batch', layers[0].W[0].length]))
  g.msg(12, valueInfo(outputName, ['batch', layers[layers.length - 1].W.length]))
  const m = new Pb()
  m.int(1, 8)
  m.str(2, 'cerebellum-test')
  m.msg(7, g)
  m.msg(8, new Pb().str(1, '').int(2, 13))
  return m.done()
}
