@testable import AccrueCash
import AccrueData
import AccrueCore
import AccrueGen
import AccrueImport
import AccrueModel
import AccrueParallel
import Testing

@Suite("Reference keys compared in one pass")
struct ReferenceKeyMatchTests {
  /// `isKey` gives what building the keys and comparing them gives, over random texts and keys (keys of other
  /// texts, of the text itself, and cut short or made longer by a character).
  @Test("isKey agrees with keys(text).contains(key)")
  func agrees() {
    let alphabet = ["0", "0", "1", "9", "-", " ", "a", "Z", "r", "/", "é", "00"]
    var rng = SeededRandom(seed: 17)
    func text() -> String { (0..<rng.below(10)).map { _ in alphabet[rng.below(alphabet.count)] }.joined() }
    var checked = 0
    for _ in 0..<4_000 {
      let t = text()
      let own = ReferenceKeys.keys(t)
      var candidates = own + ReferenceKeys.keys(text())
      for k in own { candidates += [k + "0", String(k.dropLast()), "0" + k] }
      for k in candidates where !k.isEmpty {
        let expected = own.contains(k)
        let got = k.withBytes { ReferenceKeys.isKey($0, of: t) }
        #expect(got == expected, "text '\(t)', key '\(k)'")
        checked += expected ? 1 : 0
      }
    }
    #expect(checked > 1_000)
  }

  @Test("hashes(text) are the hashes of keys(text), in order, over random texts")
  func hashes() {
    let alphabet = ["0", "0", "1", "9", "-", " ", "a", "Z", "r", "/", "é", "00"]
    var rng = SeededRandom(seed: 23)
    for _ in 0..<4_000 {
      let t = (0..<rng.below(10)).map { _ in alphabet[rng.below(alphabet.count)] }.joined()
      #expect(ReferenceKeys.hashes(t).all == ReferenceKeys.keys(t).map { InvoiceIDIndex.hash($0) }, "text '\(t)'")
    }
  }
}

@Suite("Sorting the open invoices by amount")
struct RadixSortTests {
  @Test("the radix sort gives the order of sorting by key, then index", arguments: [0, 1, 2, 1_000, 50_000])
  func sameOrder(_ n: Int) {
    var rng = SeededRandom(seed: UInt64(n) + 3)
    // Few distinct values in some digits, many in others, ties included.
    var keys: [(hi: UInt64, lo: UInt64, index: Int32)] = (0..<n).map { i in
      let hi = UInt64(rng.below(3)) << 40 | UInt64(rng.below(2))
      let lo = UInt64(rng.below(5_000)) << 32 | UInt64(rng.below(300)) | (rng.below(10) == 0 ? 1 << 48 : 0)
      return (hi, lo, Int32(i))
    }
    let expected = keys.sorted { a, b in a.hi != b.hi ? a.hi < b.hi : a.lo != b.lo ? a.lo < b.lo : a.index < b.index }
    RadixSort.sort(&keys)
    #expect(keys.map(\.index) == expected.map(\.index))
  }
}

@Suite("Reference index and invoice numbers")
struct ReferenceIndexNumberTests {
  /// The number keeps its own keys when it equals the id only as Swift compares strings.
  @Test func aNumberInAnotherFormIsFoundByItsOwnKeys() {
    let inv = OpenInvoice(
      id: "Ne\u{301}", number: "N\u{e9}", isCreditNote: false, customer: 0, contract: -1, issueDate: CivilDate.parse("2026-01-01")!,
      dueDate: CivilDate.parse("2026-02-01")!, currency: .USD, amount: Fixed(100), paid: .zero, disputed: .zero, status: .open,
      reference: "", line: 2, custom: [])
    #expect(ReferenceIndex([inv]).find(["N"], in: [inv]) == [0])
  }

  /// The table (each invoice's key hashes gathered without repeats) finds what comparing every invoice's keys
  /// finds, over random invoices (numbers that are their ids or not, references or none) and random texts.
  @Test("find(keysOf:) gives the invoices any of whose texts' keys is one of the text's")
  func findsWhatComparingFinds() {
    let alphabet = ["0", "0", "1", "2", "9", "-", " ", "a", "Z", "/", "INV-", "RF"]
    var rng = SeededRandom(seed: 29)
    func text(_ most: Int) -> String { (0..<rng.below(most)).map { _ in alphabet[rng.below(alphabet.count)] }.joined() }
    let day = CivilDate.parse("2026-01-01")!
    let invoices: [OpenInvoice] = (0..<600).map { k in
      let id = "i" + text(6) + String(k % 7)
      let number = rng.below(3) == 0 ? text(8) : id
      return OpenInvoice(
        id: id, number: number, isCreditNote: false, customer: 0, contract: -1, issueDate: day, dueDate: day, currency: .USD,
        amount: Fixed(100), paid: .zero, disputed: .zero, status: .open, reference: rng.below(2) == 0 ? "" : text(8),
        line: Int32(k + 2), custom: [])
    }
    let index = ReferenceIndex(invoices)
    var buffers = ReferenceKeys.Buffers()
    var found = 0
    for _ in 0..<2_000 {
      let t = text(8)
      let keys = Set(ReferenceKeys.keys(t))
      let expected = invoices.indices.filter { i in
        [invoices[i].number, invoices[i].id, invoices[i].reference].contains { !keys.isDisjoint(with: ReferenceKeys.keys($0)) }
      }.map(Int32.init)
      #expect(index.find(keysOf: t, &buffers, in: invoices) == expected, "text '\(t)'")
      found += expected.isEmpty ? 0 : 1
    }
    #expect(found > 200)
  }
}

@Suite("Payment fingerprints")
struct FingerprintTests {
  /// The fingerprint as first defined: FNV-1a over the fields, the account and the name as compared (strings
  /// made by `CashData.account` and `PayerName.normalized`), each text ended by 0x1F. Statement payments' ids
  /// (`stmt-…`) are made from it and recorded in journals: it must never change.
  static func reference(_ t: BankTransaction) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    func byte(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    func word(_ v: UInt64) { for k in 0..<8 { byte(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    func text(_ s: String) {
      for b in s.utf8 { byte(b) }
      byte(0x1F)
    }
    word(UInt64(bitPattern: Int64(t.bookingDate.dayNumber)))
    word(UInt64(truncatingIfNeeded: t.amount.raw))
    word(UInt64(truncatingIfNeeded: t.amount.raw >> 64))
    word(UInt64(t.currency.packed))
    for s in [CashData.account(t.counterpartyAccount), PayerName.normalized(t.counterpartyName), t.reference, t.remittance, t.endToEndID, t.bankReference] {
      text(s)
    }
    return h
  }

  @Test("a fingerprint is the one first defined, for ASCII and other names and accounts")
  func unchanged() throws {
    let names = ["", "Acme GmbH", "  acme   corp. inc ", "Société Générale SA", "Müller & Söhne KG", "AG", "x co", "Ünïcode"]
    let accounts = ["", "DE89 3704 0044 0532 0130 00", "de89\t3704", "ÄÖ 12", "011000138-2906675971"]
    var checked = 0
    for (k, name) in names.enumerated() {
      for account in accounts {
        let t = BankTransaction(
          bookingDate: try #require(CivilDate.parse("2026-10-0\(1 + k % 9)")), valueDate: nil, amount: Fixed(minorUnits: 12_345 + Int64(k), exponent: 2),
          currency: .EUR, reference: k % 2 == 0 ? "RF18 0000" : "", remittance: "INV-2026-\(k)", counterpartyName: name,
          counterpartyAccount: account, source: "x")
        #expect(PaymentIdentity.fingerprint(t) == Self.reference(t), "\(name) / \(account)")
        checked += 1
      }
    }
    #expect(checked == 40)
    // A known value, so the definition above cannot drift with the code.
    let fixed = BankTransaction(
      bookingDate: try #require(CivilDate.parse("2026-10-25")), valueDate: nil, amount: Fixed(minorUnits: 12_000, exponent: 2), currency: .USD,
      remittance: "Payment INV-2026-0922857", counterpartyName: "Ember Systems plc", counterpartyAccount: "011000138-2906675971", source: "p")
    #expect(String(PaymentIdentity.fingerprint(fixed), radix: 16) == "67916d66a4163f77")
  }
}

@Suite("Payment order")
struct PaymentOrderTests {
  @Test("payments sort by booking date, then id as strings compare, whatever the ids' lengths and letters")
  func order() throws {
    var rng = SeededRandom(seed: 5)
    let pieces = ["p", "pay-", "0", "1", "9", "a", "Z", "-", "pay-000000000000", "x"]
    for round in 0..<40 {
      var payments: [Payment] = []
      var seen = Set<String>()
      while payments.count < 300 {
        var id = (0..<(1 + rng.below(6))).map { _ in pieces[rng.below(pieces.count)] }.joined()
        if round % 10 == 9 && rng.below(20) == 0 { id += "é" }  // some rounds have an id that is not ASCII
        guard seen.insert(id).inserted else { continue }
        let day = try #require(CivilDate.parse("2026-10-0\(1 + rng.below(3))"))
        payments.append(Payment(id: id, transaction: BankTransaction(bookingDate: day, valueDate: nil, amount: .zero, currency: .EUR, source: "")))
      }
      let expected = payments.indices.sorted { a, b in
        let (x, y) = (payments[a].transaction.bookingDate, payments[b].transaction.bookingDate)
        return x != y ? x < y : payments[a].id < payments[b].id
      }
      #expect(Payment.order(payments) == expected, "round \(round)")
    }
  }
}

@Suite("Wrapped references")
struct WrappedReferenceTests {
  @Test(
    "line breaks found and removed byte by byte as the definition by Unicode scalars does",
    arguments: ["", "INV-2026-\n000123", "a\r\nb", "\r", "\n\n", "Zahlung für INV-2026-0001\r\nÜberweisung 🚀\n", "no breaks at all", "é\u{0301}\n"])
  func unwrapped(_ text: String) {
    let breaks = text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }
    #expect(ReferenceFinder.hasLineBreak(text) == breaks)
    let plain = String(text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" }.map(Character.init))
    #expect(ReferenceFinder.unwrapped(text) == plain)
    #expect(Array(ReferenceFinder.unwrapped(text).utf8) == Array(plain.utf8))
  }
}

/// A pattern of one group gives that group as the reference without joining (`ReferenceFinder.extract`): the
/// references are those the plain definition (the groups found, joined; else the whole match) gives, in order.
@Suite("References a rule's patterns find")
struct ExtractedReferenceTests {
  static let rules = """
    match none "No group" {
      reference pattern /RF[0-9]{2}[A-Z0-9]{1,8}/ in reference
      candidates open invoices of any customer, same currency
      allocate exact single
      confidence auto
    }
    match one "One group, optional" {
      reference pattern /(?i)INV[- ]?([0-9]{2,6})?/ in remittance
      candidates open invoices of any customer, same currency
      allocate exact single
      confidence auto
    }
    match two "Two groups" {
      reference pattern /(?i)ST-([0-9]{4})-?([0-9]{1,4})?/ in remittance, reference
      candidates open invoices of any customer, same currency
      allocate exact single
      confidence auto
    }

    """

  @Test("the references found are the plain definition's, for patterns of none, one and two groups")
  func sameAsJoined() throws {
    let plan = try Run.plan(Self.rules)
    let boxes = plan.matchRules.map(MatchRuleBox.init)
    try #require(boxes.count == 3)
    let finder = ReferenceFinder(rules: boxes, references: nil, invoices: [])
    let scratch = ReferenceFinder.Scratch(boxes)
    let texts = [
      "", "INV", "inv 2026 and INV-12, INV-12 again", "INV-\n1234 wrapped", "ST-2026-0001 ST-20260002 ST-2027",
      "RF18ABC RF1", "inv-\r\n99 st-2026-\n7", "INVX INV-", "é INV-55 é",
    ]
    var found = 0
    for (ri, box) in boxes.enumerated() {
      for text in texts {
        var expected: [String] = []
        for (pattern, sources) in box.r.patterns {
          for _ in sources {
            if text.isEmpty { continue }
            var variants = [text]
            if text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) { variants.append(ReferenceFinder.unwrapped(text)) }
            for v in variants {
              for m in pattern.allMatches(in: v) {
                let ref = m.groups.isEmpty ? m.whole : m.groups.compactMap { $0 }.joined()
                if !ref.isEmpty, !expected.contains(ref) { expected.append(ref) }
              }
            }
          }
        }
        let got = finder.extract(box, reference: text, remittance: text, scratch.patterns[ri])
        #expect(got == expected, "rule \(box.r.name), text '\(text)'")
        found += got.count
      }
    }
    #expect(found > 10)
  }
}

@Suite("Cash application's shortcuts against their plain definitions")
struct CashShortcutTests {
  @Test("firstKey(text) is keys(text).first, over random texts")
  func firstKey() {
    let alphabet = ["0", "0", "1", "9", "-", " ", "a", "Z", "r", "/", "é", "00", "INV", "cust-"]
    var rng = SeededRandom(seed: 31)
    for _ in 0..<4_000 {
      let t = (0..<rng.below(12)).map { _ in alphabet[rng.below(alphabet.count)] }.joined()
      #expect(ReferenceKeys.firstKey(t) == ReferenceKeys.keys(t).first, "text '\(t)'")
    }
  }
}
