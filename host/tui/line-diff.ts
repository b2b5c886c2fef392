// Line diff by longest common subsequence (dynamic programming, O(n·m) time and memory — configuration
// files are a few hundred lines), printed unified-style: ` ` kept, `-` removed, `+` added, with
// `context` kept lines around each change and `@@ -a,b +c,d @@` hunk headers (1-based line numbers).

type Op = { kind: ' ' | '-' | '+', text: string, a: number, b: number }

function ops (a: string[], b: string[]): Op[] {
  const n = a.length
  const m = b.length
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
    }
  }
  const out: Op[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push({ kind: ' ', text: a[i], a: i, b: j }); i++; j++ } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) { out.push({ kind: '-', text: a[i], a: i, b: j }); i++ } else { out.push({ kind: '+', text: b[j], a: i, b: j }); j++ }
  }
  return out
}

/** Unified diff lines from `before` to `after` (empty when they are equal). */
export function lineDiff (before: string, after: string, context = 2): string[] {
  const a = before.split('\n')
  const b = after.split('\n')
  const all = ops(a, b)
  const changed = all.map((o) => o.kind !== ' ')
  if (!changed.includes(true)) return []
  const keep = all.map((_, k) => {
    for (let d = -context; d <= context; d++) if (changed[k + d] === true) return true
    return false
  })
  const out: string[] = []
  let k = 0
  while (k < all.length) {
    if (!keep[k]) { k++; continue }
    let end = k
    while (end < all.length && keep[end]) end++
    const hunk = all.slice(k, end)
    const aStart = hunk[0].a + 1
    const bStart = hunk[0].b + 1
    const aLen = hunk.filter((o) => o.kind !== '+').length
    const bLen = hunk.filter((o) => o.kind !== '-').length
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`)
    for (const o of hunk) out.push(`${o.kind}${o.text}`)
    k = end
  }
  return out
}
