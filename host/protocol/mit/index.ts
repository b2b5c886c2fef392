// MIT-mode CAN protocol, pure host side: quantisation, commands, replies, unwrapping, model table.
export * from './quantize.ts'
export * from './range.ts'
export * from './command.ts'
export * from './reply.ts'
export * from './unwrap.ts'
export * from './models.ts'
