import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRun
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

  /// The hash reads an id eight bytes at a time (the last word overlapping the one before it): ids of every length
  /// around the word sizes, differing in any one byte, are told apart; the same bytes hash alike wherever they lie.
  @Test("ids of every length from 0 to 40, differing in any one byte, are all found and told apart")
  func everyLengthAndByte() {
    var index = IDIndex()
    var ids: [String] = []
    for n in 0...40 {
      let base = String((0..<n).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
      ids.append(base)
      for at in 0..<n {
        var bytes = Array(base.utf8)
        bytes[at] = UInt8(ascii: "Z")
        ids.append(String(decoding: bytes, as: UTF8.self))
      }
    }
    var refused = 0
    for (k, id) in ids.enumerated() where !index.add(id, k) { refused += 1 }
    #expect(refused == 0)
    var wrong = 0
    for (k, id) in ids.enumerated() where index[id] != k || findBytes(index, id) != k { wrong += 1 }
    #expect(wrong == 0)
    // The same bytes at another address (and alignment) hash alike.
    for id in ids where !id.isEmpty {
      let bytes = Array(id.utf8)
      let shifted = [UInt8(7)] + bytes
      let a = bytes.withUnsafeBufferPointer { IDIndex.hash($0.baseAddress!, $0.count) }
      let b = shifted.withUnsafeBufferPointer { IDIndex.hash($0.baseAddress! + 1, bytes.count) }
      if a != b { wrong += 1 }
    }
    #expect(wrong == 0)
    for missing in ["Z", "aZ", "abcdefghZ", "abcdefghijklmnopZ", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnoZ"] {
      #expect(index[missing] == nil || ids[index[missing]!] == missing)
    }
  }
}

/// `IDIndex.append` (joining the indexes of contracts read in chunks) against adding the ids one by one.
@Suite("Record id index, appended")
struct IDIndexAppendTests {
  @Test("appending an index equals adding its ids one by one: short, long and non-ASCII ids, any sizes", arguments: [0, 1, 7, 300])
  func sameAsAdding(split: Int) {
    let ids = (0..<600).map { k -> String in
      switch k % 4 {
      case 0: return "c\(k)"
      case 1: return "contract-with-a-long-id-\(k)"
      case 2: return "ctr-ü\(k)"
      default: return "k\(k * 7919 % 1009)x"
      }
    }
    let first = Array(ids[..<split])
    let second = Array(ids[split...])
    var one = IDIndex()
    var refused = 0
    for (k, id) in ids.enumerated() where !one.add(id, k) { refused += 1 }
    var joined = IDIndex(minimumCapacity: first.count)
    for (k, id) in first.enumerated() where !joined.add(id, k) { refused += 1 }
    var other = IDIndex()
    for (k, id) in second.enumerated() where !other.add(id, k) { refused += 1 }
    #expect(refused == 0)
    let appended = joined.append(other, offset: first.count)
    #expect(appended)
    #expect(joined.keys == one.keys && joined.count == one.count)
    for id in ids + ["c", "c1x", "contract-with-a-long-id-", "ctr-u1", "ctr-ü"] { #expect(joined[id] == one[id], "\(id)") }
  }

  @Test("an id in both is refused, whether short, long or non-ASCII (written either way)")
  func duplicates() {
    for dup in ["c1", "contract-with-a-long-id-1", "ctr-\u{00FC}", "ctr-u\u{0308}"] {
      var a = IDIndex()
      for id in ["a", "contract-with-a-long-id-1", "c1", "ctr-\u{00FC}"] { a.add(id, a.count) }
      var b = IDIndex()
      for id in ["z", dup, "y"] { b.add(id, b.count) }
      let appended = a.append(b, offset: 4)
      #expect(!appended, "\(dup)")
    }
    var a = IDIndex()
    a.add("c1", 0)
    var b = IDIndex()
    b.add("c2", 0)
    b.add("contract-with-a-long-id-2", 1)
    let appended = a.append(b, offset: 1)
    #expect(appended && a["c2"] == 1 && a["contract-with-a-long-id-2"] == 2)
  }
}

/// Found by a review of the speed-ups: each passed before them and failed after, until fixed.
@Suite("Speed-up review")
struct SpeedUpReviewTests {
  @Test("ids Swift finds equal are one id: a precomposed and a decomposed accent, the Kelvin sign and K")
  func canonicalIDs() {
    var index = IDIndex()
    let first = [index.add("caf\u{E9}", 0), index.add("K", 1), index.add(String(repeating: "\u{E9}", count: 12), 2)]
    #expect(first == [true, true, true])
    let equal = [index.add("cafe\u{301}", 7), index.add("\u{212A}", 8), index.add(String(repeating: "e\u{301}", count: 12), 9)]
    #expect(equal == [false, false, false], "canonically equal ids are duplicates, as for a [String: Int]")
    #expect(index["cafe\u{301}"] == 0)
    #expect(index["\u{212A}"] == 1)
    #expect(index[String(repeating: "e\u{301}", count: 12)] == 2)
    let bytes = Array("cafe\u{301}".utf8)
    #expect(bytes.withUnsafeBufferPointer { index.find($0.baseAddress!, count: $0.count) } == 0)
  }

  @Test("a customer id written with a decomposed accent in the invoices file is the customers file's id")
  func canonicalCustomer() throws {
    let p = try Run.plan("currency USD\n")
    let (nfc, nfd) = ("caf\u{E9}", "cafe\u{301}")
    let invoices = "id,number,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,reference\ni1,i1,\(nfd),2026-09-01,2026-10-01,USD,10,,,open,\n"
    let (_, issues) = Dataset.load(folder: try Run.folder(["customers.csv": "id,name,country\n\(nfc),Cafe,US\n", "invoices.csv": invoices]), plan: p)
    #expect(issues.isEmpty, "\(issues.map { "\($0.code) \($0.message)" })")
    let (_, twice) = Dataset.load(folder: try Run.folder(["customers.csv": "id,name,country\n\(nfc),Cafe,US\n\(nfd),Cafe 2,US\n"]), plan: p)
    #expect(twice.contains { $0.code == "D0304" }, "\(twice.map { "\($0.code) \($0.message)" })")
  }

  @Test("an invoice of the largest amount matched (2^56 minor units) leaves the amount table in order")
  func largestAmount() throws {
    // No earlier rule of `Cash.rules` decides (no reference, payer unknown): the last look's exact single does.
    let p = try Run.plan(Cash.rules)
    // JPY's packed code is odd: the amount's top bit used to spill into it.
    let invoices = """
      id,number,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,reference
      big,big,c1,2026-09-01,2026-10-01,JPY,72057594037927936,,,open,
      small,small,c2,2026-09-01,2026-10-01,JPY,100,,,open,

      """
    let files = [
      "customers.csv": "id,name,country\nc1,Alpha,US\nc2,Beta,US\n", "invoices.csv": invoices,
      "payments.csv": "id,booking_date,value_date,amount,currency,reference,remittance,payer_name,payer_account\np1,2026-11-02,,100,JPY,,,,\n",
    ]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: p)
    try #require(issues.isEmpty, "\(issues)")
    let r = CashApplicationRun.run(plan: p, data: data, asOf: try #require(CivilDate.parse("2026-11-10")), history: [])
    let a = try #require(r.applications.first)
    #expect(a.allocations.map(\.invoice) == ["small"], "status \(a.status) reason \(a.reason ?? "")")
  }
}
