/// Where the minor units left over by a split go.
public enum SplitRemainder: Sendable {
  /// To the largest remainders, ties to the lower index (the largest-remainder method).
  case largestRemainders
  /// All to the last part (installments: the earlier ones are the rounded-down shares).
  case last
}

/// Splits `total` minor units in proportion to `ratios` (rounding each share down, then placing the leftover units
/// as `remainder` says).
///
/// The parts always sum exactly to `total`. A negative total is split by magnitude and negated. Returns nil if
/// `ratios` is empty, all zero, or has a negative entry.
public func allocate(_ total: Int64, ratios: [Int64], remainder: SplitRemainder = .largestRemainders) -> [Int64]? {
  if ratios.isEmpty { return nil }
  var sum: Int128 = 0
  for r in ratios {
    if r < 0 { return nil }
    // At most Int.max entries of at most 2^63 each: the sum stays below 2^127.
    sum &+= Int128(r)
  }
  if sum == 0 { return nil }
  let magnitude = Int128(total.magnitude)
  var parts = [Int128](repeating: 0, count: ratios.count)
  var remainders = [Int128](repeating: 0, count: ratios.count)
  var assigned: Int128 = 0
  for (i, r) in ratios.enumerated() {
    // magnitude <= 2^63 and r < 2^63, so the product is below 2^126.
    let share = magnitude &* Int128(r)
    parts[i] = share / sum
    remainders[i] = share % sum
    assigned &+= parts[i]
  }
  // Sum of remainders / sum == leftover, and each remainder < sum, so leftover < number of non-zero remainders.
  let leftover = Int(truncatingIfNeeded: magnitude - assigned)
  if leftover > 0, remainder == .last {
    parts[parts.count - 1] &+= Int128(leftover)
  } else if leftover > 0 {
    let order = ratios.indices.sorted { a, b in
      remainders[a] != remainders[b] ? remainders[a] > remainders[b] : a < b
    }
    for i in order.prefix(leftover) {
      parts[i] &+= 1
    }
  }
  var result: [Int64] = []
  result.reserveCapacity(ratios.count)
  for p in parts {
    // Each part is at most |total| <= 2^63; negated it always fits, positive it fits because total >= 0 there.
    guard let v = Int64(exactly: total < 0 ? -p : p) else { return nil }
    result.append(v)
  }
  return result
}
