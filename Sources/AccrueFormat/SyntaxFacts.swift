import AccrueLexer
import AccrueParser

/// What the layout cannot tell from the tokens alone, read from the file's syntax tree: which names are
/// functions right before their `(` (a call, or a `define`'s name: `half(4)` with a define named like the
/// rounding word `half`), and which minus signs are unary (`discount "l" -(2.00 USD)`, after a string) or binary
/// (`contract.quantity - 1`, after a word of the language).
struct SyntaxFacts {
  /// Start offsets of the names of calls and of `define`s.
  var functions: Set<Int32> = []
  /// Start offsets of unary minus signs.
  var unaryMinus: Set<Int32> = []
  /// Start offsets of binary minus signs.
  var binaryMinus: Set<Int32> = []

  /// Reads the declarations that hold a token the layout cannot place alone: a word of the language right before
  /// `(`, or a minus after a string or a word of the language. (Walking every declaration by reflection would cost
  /// more than the rest of the formatting; most files have no such token.)
  init(_ file: RuleFile, tokens: [Token]) {
    var ambiguous: [Int32] = []
    var previous: Token?
    for (k, t) in tokens.enumerated() where t.kind != .newline {
      if t.kind == .identifier, t.symbol.keyword != nil, k + 1 < tokens.count, tokens[k + 1].kind == .lparen {
        ambiguous.append(t.start)
      } else if t.kind == .minus, let p = previous, p.kind == .string || (p.kind == .identifier && p.symbol.keyword != nil) {
        ambiguous.append(t.start)
      }
      previous = t
    }
    guard !ambiguous.isEmpty else { return }
    var ends: [Int32] = []
    for d in file.decls {
      let span = d.span
      let first = SyntaxFacts.firstIndex(in: ambiguous, notBelow: span.start)
      if first < ambiguous.count, ambiguous[first] < span.end { visit(d, &ends) }
    }
    // A binary minus is the first minus token at or after the end of its left operand.
    let minus = tokens.filter { $0.kind == .minus }.map(\.start)
    for end in ends {
      let k = SyntaxFacts.firstIndex(in: minus, notBelow: end)
      if k < minus.count { binaryMinus.insert(minus[k]) }
    }
  }

  /// The index of the first offset in a sorted list that is `value` or more (the list's count if none is).
  static func firstIndex(in sorted: [Int32], notBelow value: Int32) -> Int {
    var lo = 0
    var hi = sorted.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// Every expression under a declaration, found by reflection (declarations hold expressions in many shapes;
  /// expressions themselves are walked directly).
  mutating func visit(_ value: Any, _ ends: inout [Int32]) {
    if let e = value as? Expr {
      visit(expr: e, &ends)
      return
    }
    if let d = value as? DefineDecl { functions.insert(d.name.span.start) }
    if value is String || value is Name || value is StringLit { return }
    for child in Mirror(reflecting: value).children { visit(child.value, &ends) }
  }

  mutating func visit(expr e: Expr, _ ends: inout [Int32]) {
    switch e.kind {
    case .call(let name, let args):
      functions.insert(name.span.start)
      for a in args { visit(expr: a, &ends) }
    case .unary(let op, let x):
      if op == .negate { unaryMinus.insert(e.span.start) }
      visit(expr: x, &ends)
    case .binary(let op, let l, let r):
      if op == .subtract { ends.append(l.span.end) }
      visit(expr: l, &ends)
      visit(expr: r, &ends)
    case .field(let base, _): visit(expr: base, &ends)
    case .conditional(let a, let b, let c), .between(let a, let b, let c):
      visit(expr: a, &ends)
      visit(expr: b, &ends)
      visit(expr: c, &ends)
    case .list(let items): for x in items { visit(expr: x, &ends) }
    case .membership(let a, let b, _):
      visit(expr: a, &ends)
      visit(expr: b, &ends)
    case .matches(let a, _): visit(expr: a, &ends)
    case .number, .money, .percent, .duration, .date, .string, .bool, .name, .roundingMode, .invalid: break
    }
  }
}
