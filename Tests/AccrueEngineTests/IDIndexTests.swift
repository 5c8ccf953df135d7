import AccrueEngine
import Foundation
import Testing

@Suite("Record id index")
struct IDIndexTests {
  /// Looks `id` up from its bytes, as the fast readers do.
  func findBytes(_ index: IDIndex, _ id: String) -> Int? {
    let bytes = Array(id.utf8)
    return bytes.withUnsafeBufferPointer { b in
      b.isEmpty ? index.find(UnsafePointer(bitPattern: 1)!, count: 0) : index.find(b.baseAddress!, count: b.count)
    }
  }

  @Test("adds once, finds by string and by bytes, tells prefixes and unknown ids apart")
  func basics() {
    var index = IDIndex()
    let added = [index.add("c1", 0), index.add("c10", 1), index.add("", 2), index.add("ctr-ü", 3)]
    #expect(added == [true, true, true, true])
    let again = index.add("c1", 9)
    #expect(!again, "a second add of an id is refused and keeps the first index")
    #expect(index.count == 4)
    for (id, want) in [("c1", 0), ("c10", 1), ("", 2), ("ctr-ü", 3)] {
      #expect(index[id] == want)
      #expect(findBytes(index, id) == want)
    }
    for missing in ["c", "c100", "C1", "c1 ", "ctr-u"] {
      #expect(index[missing] == nil)
      #expect(findBytes(index, missing) == nil)
    }
    #expect(index.keys == ["c1", "c10", "", "ctr-ü"])
  }

  @Test("grows past its first size and still finds every id", arguments: [0, 100_000])
  func growth(reserved: Int) {
    var index = IDIndex(minimumCapacity: reserved)
    let ids = (0..<50_000).map { "cust-\(String($0 * 7919 % 1_000_003, radix: 10))" }
    // 7919 is invertible modulo the prime 1,000,003, so these ids are all different.
    var refused = 0
    for (k, id) in ids.enumerated() where !index.add(id, k) { refused += 1 }
    #expect(refused == 0)
    var wrong = 0
    for (k, id) in ids.enumerated() where index[id] != k || findBytes(index, id) != k { wrong += 1 }
    #expect(wrong == 0)
    #expect(index["cust-1000003"] == nil)
  }
}
