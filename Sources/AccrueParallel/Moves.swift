
/// Elements moved out of memory as they are read (for `Array.moveAppend`): what they hold is handed over, not
/// copied; `placeholder` is left in their place. Read by `Array.append(contentsOf:)`, which hands its free
/// capacity to `_copyContents`: the elements are moved there in bulk (two threads each moving half, when asked).
@usableFromInline package struct MovedOut<Element>: Sequence, IteratorProtocol {
  @usableFromInline package var at: UnsafeMutablePointer<Element>
  @usableFromInline package let end: UnsafeMutablePointer<Element>
  @usableFromInline package let placeholder: Element
  @usableFromInline package let parallel: Bool
  @inlinable package init(from p: UnsafeMutablePointer<Element>, count: Int, placeholder: Element, parallel: Bool) {
    at = p
    end = p + count
    self.placeholder = placeholder
    self.parallel = parallel
  }
  @inlinable package var underestimatedCount: Int { end - at }
  @inlinable package mutating func next() -> Element? {
    guard at < end else { return nil }
    defer {
      at.initialize(to: placeholder)
      at += 1
    }
    return at.move()
  }

  @inlinable package func _copyContents(initializing buffer: UnsafeMutableBufferPointer<Element>) -> (MovedOut, Int) {
    let n = Swift.min(buffer.count, end - at)
    guard n > 0, let to = buffer.baseAddress else { return (self, 0) }
    let half = parallel && n >= 4096 ? n / 2 : 0
    let works = [
      MoveWork(from: at, to: to, count: half, placeholder: placeholder),
      MoveWork(from: at + half, to: to + half, count: n - half, placeholder: placeholder),
    ]
    TwoThreads.chunks(half > 0 ? 2 : 1, { _, k in works[k + (half > 0 ? 0 : 1)].run() }, inOrder: { _ in })
    var rest = self
    rest.at += n
    return (rest, n)
  }
}

/// One range of a bulk move: the elements moved, then placeholders put where they were.
@usableFromInline package final class MoveWork<Element>: @unchecked Sendable {
  @usableFromInline package let from: UnsafeMutablePointer<Element>
  @usableFromInline package let to: UnsafeMutablePointer<Element>
  @usableFromInline package let count: Int
  @usableFromInline package let placeholder: Element
  @inlinable package init(from: UnsafeMutablePointer<Element>, to: UnsafeMutablePointer<Element>, count: Int, placeholder: Element) {
    (self.from, self.to, self.count, self.placeholder) = (from, to, count, placeholder)
  }
  @inlinable package func run() {
    // A block at a time, so the placeholders are written while the block is still in the cache.
    var k = 0
    while k < count {
      let m = Swift.min(1024, count - k)
      (to + k).moveInitialize(from: from + k, count: m)
      (from + k).initialize(repeating: placeholder, count: m)
      k += m
    }
  }
}

extension Array {
  /// Appends `other`'s elements by moving them, bit for bit: what they hold is neither retained nor released
  /// (for a million invoices, that is a million cache misses saved twice). `other` is left empty. `placeholder`
  /// must hold no references of its own (empty strings and arrays only): it stands in for what was moved out.
  /// `parallel`: a large move is shared with a second thread.
  /// (These moves are inlinable: specialized where they are called, an element is moved as bytes; unspecialized,
  /// each went through its type's value witnesses, the placeholder copied and the array's type looked up at run time,
  /// about 1,100 instructions a payment.)
  @inlinable package mutating func moveAppend(_ other: inout [Element], placeholder: Element, parallel: Bool = false) {
    let n = other.count
    guard n > 0 else { return }
    other.withUnsafeMutableBufferPointer { src in
      // Each element is moved out as it is appended (the sequence hands over what it moves: nothing retained),
      // and what was moved out is placeholders again, so `other` is released without touching the elements.
      append(contentsOf: MovedOut(from: src.baseAddress!, count: n, placeholder: placeholder, parallel: parallel))
    }
    other = []
  }

  /// Puts the elements in `order` (a permutation of the indices), moving them bit for bit as `moveAppend` does
  /// (`placeholder` likewise stands in for what was moved out).
  @inlinable package mutating func reorder(_ order: [Int], placeholder: Element) {
    precondition(order.count == count, "not a permutation")
    var out: [Element] = []
    out.reserveCapacity(count)
    withUnsafeMutableBufferPointer { src in
      for i in order {
        out.append((src.baseAddress! + i).move())
        (src.baseAddress! + i).initialize(to: placeholder)
      }
    }
    self = out
  }
}
