// A WBC task: rows on the decision vector x = [qdd (nv); f_foot_world (3·nfeet)] that one unit of
// the controller owns (its error, Jacobian, drift and gains), refilled in place every update.
// Equality rows A x = b, two-sided rows l ≤ C x ≤ u. The row counts may depend on the contact set
// (stance feet only, swing feet only); the controller asks for them, zeroes the rows, calls the
// write methods and scales the rows by √weight. Rows are row-major with stride ctx.n.
import { WbcContext } from '../wbc-context'

export class WbcTask {
  /** Priority level this update (1 = highest), from the config. */
  level (ctx: WbcContext): i32 { return 1 }
  /** Weight within the level (> 0), from the config. */
  weight (ctx: WbcContext): f64 { return 1.0 }
  /** Equality rows this update. */
  eqRows (ctx: WbcContext): i32 { return 0 }
  /** Two-sided rows this update. */
  ineqRows (ctx: WbcContext): i32 { return 0 }
  /** Writes the nonzeros of A rows r0 … r0 + eqRows − 1 (already zero) and their b. */
  writeEq (ctx: WbcContext, A: StaticArray<f64>, b: StaticArray<f64>, r0: i32): void {}
  /** Writes the nonzeros of C rows r0 … r0 + ineqRows − 1 (already zero) and their l, u. */
  writeIneq (ctx: WbcContext, C: StaticArray<f64>, l: StaticArray<f64>, u: StaticArray<f64>, r0: i32): void {}
}
