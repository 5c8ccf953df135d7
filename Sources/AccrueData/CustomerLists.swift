
/// Invoice indexes grouped by customer in one flat array (a counting sort: two passes, no array per customer).
package struct CustomerLists {
  /// `items[offsets[c]..<offsets[c + 1]]` are customer c's.
  package var offsets: [Int]
  package var items: [Int32]

  /// Groups `0..<count` by `customerOf(i)` (-1: left out), keeping their order within each customer.
  package init(customers: Int, _ count: Int, _ customerOf: (Int) -> Int32) {
    var owner = [Int32](repeating: -1, count: count)
    var counts = [Int](repeating: 0, count: customers + 1)
    for i in 0..<count {
      let c = customerOf(i)
      guard c >= 0, Int(c) < customers else { continue }
      owner[i] = c
      counts[Int(c) + 1] += 1
    }
    for c in 0..<customers { counts[c + 1] += counts[c] }
    offsets = counts
    var next = counts
    items = [Int32](repeating: 0, count: counts[customers])
    for i in 0..<count where owner[i] >= 0 {
      let c = Int(owner[i])
      items[next[c]] = Int32(i)
      next[c] += 1
    }
  }

  /// Sorts each customer's invoices.
  package mutating func sortEach(by less: (Int32, Int32) -> Bool) {
    for c in 0..<customers where offsets[c + 1] - offsets[c] > 1 { items[offsets[c]..<offsets[c + 1]].sort(by: less) }
  }

  package var customers: Int { offsets.count - 1 }
  package func isEmpty(_ c: Int) -> Bool { offsets[c] == offsets[c + 1] }
  package subscript(_ c: Int) -> ArraySlice<Int32> { items[offsets[c]..<offsets[c + 1]] }
  /// The first customer whose invoices start at or after position `k` of `items`.
  package func customer(at k: Int) -> Int {
    var lo = 0
    var hi = customers
    while lo < hi {
      let m = (lo + hi) / 2
      if offsets[m] < k { lo = m + 1 } else { hi = m }
    }
    return lo
  }
}
