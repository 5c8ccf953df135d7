/// The keys of an object's members as a pretty `JSONWriter` writes them at one depth, each with what comes before
/// it (a comma, the line end, the indent, then `"key": `), made once and copied whole (`JSONWriter.key(fixed:)`).
/// A cash application has 22 keys and an allocation 8: written piece by piece (a check for room before each piece),
/// they cost about 1,500 instructions an application more than copied whole, a tenth of writing it.
final class FixedKeys {
  /// The indent level of the members.
  let depth: Int
  private let names: [StaticString]
  /// The keys' texts one after the other, in memory of the object's own (freed with it).
  private let base: UnsafeMutablePointer<UInt8>
  /// Where each key's text starts, and where the last ends.
  private let starts: [Int]

  init(_ names: [StaticString], depth: Int) {
    self.depth = depth
    self.names = names
    let before = [UInt8(ascii: ","), 10] + [UInt8](repeating: 32, count: 2 * depth) + [UInt8(ascii: "\"")]
    var bytes: [UInt8] = []
    var starts: [Int] = []
    for k in names {
      starts.append(bytes.count)
      bytes += before
      k.withUTF8Buffer { bytes += $0 }
      bytes += Array("\": ".utf8)
    }
    starts.append(bytes.count)
    base = .allocate(capacity: max(1, bytes.count))
    base.initialize(from: bytes, count: bytes.count)
    self.starts = starts
  }

  deinit { base.deallocate() }

  /// The text of key `n`, whose name is `k` (checked in debug builds), in place (valid while the object lives).
  @inline(__always) func text(_ n: Int, _ k: StaticString) -> UnsafeBufferPointer<UInt8> {
    assert(n < names.count && names[n].utf8CodeUnitCount == k.utf8CodeUnitCount
      && UnsafeBufferPointer(start: names[n].utf8Start, count: k.utf8CodeUnitCount).elementsEqual(UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount)),
      "key \(k) written out of order")
    return UnsafeBufferPointer(start: base + starts[n], count: starts[n + 1] - starts[n])
  }
}

/// Writes one object's keys in order: copied from `fixed` when there is one (made for the pretty writer's depth),
/// else one by one (`JSONWriter.key`: a compact writer's, and the plain path tests compare with).
struct ObjectKeys {
  private let fixed: FixedKeys?
  private var next = 0

  init(_ fixed: FixedKeys?) { self.fixed = fixed }

  @inline(__always) mutating func key(_ k: StaticString, _ w: inout JSONWriter) {
    guard let fixed else { return w.key(k) }
    w.key(fixed: fixed.text(next, k))
    next += 1
  }
}
