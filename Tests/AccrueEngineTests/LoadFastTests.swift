import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// The fifteenth pass's shortcuts in loading, each against its plain definition.
@Suite("Load shortcuts")
struct LoadFastTests {
  static let rules = """
    currency USD
    month end clamp
    field customer.strategic: bool = false
    field customer.employees: number = 7
    field customer.credit_limit: money EUR = 5_000.00 EUR
    field customer.budget: money
    field customer.negotiated_discount: percent = 5%
    field customer.first_order: date = 2020-01-01
    field customer.extra_grace: days
    field customer.ap_lead_time: business days = 1 business day
    field customer.term: months
    field customer.partner: bool
    field customer.invoice_currency: currency
    field customer.industry: text = "other"
    plan p {
      period monthly
      charge base { flat 31.00 USD }
    }
    """

  /// The record as `RecordBuilder` made it before: the template of defaults copied, then each column written over it.
  static func plainRecord(_ b: RecordBuilder, _ values: [Value], currency: Currency?) -> [RValue] {
    var record = b.fieldTypes.indices.map { b.defaults[$0] ?? Schemas.defaultValue(b.fieldTypes[$0], currency: currency) }
    for k in b.slots.indices {
      record[b.slots[k]] = Schemas.value(values[k], b.types[k], currency: currency, default: b.defaults[b.slots[k]])
    }
    return record
  }

  @Test("a record made slot by slot equals the template written over, for every kind of value, given or missing")
  func recordBuilder() throws {
    let plan = try Run.plan(Self.rules)
    let columns = Schemas.columns(.customer, plan.program)
    var builder = RecordBuilder(plan: plan, kind: .customer, columns: columns)
    /// A value of the column's kind, or missing, from a seed.
    func value(_ spec: ColumnSpec, _ seed: Int) -> Value {
      if seed % 3 == 0 { return .missing }
      switch spec.type {
      case .text: return .text(seed % 2 == 0 ? "a longer text than fifteen bytes \(seed)" : "t\(seed)")
      case .date: return .date(CivilDate(year: 2026, month: 1 + seed % 12, day: 1 + seed % 28)!)
      case .number: return .number(Fixed.parse(Array("\(seed).25".utf8))!)
      case .money: return .money(Fixed.parse(Array("\(seed).5".utf8))!)
      case .currency: return .currency(seed % 2 == 0 ? .EUR : .USD)
      case .bool: return .bool(seed % 2 == 0)
      }
    }
    var rows = 0
    for seed in 0..<60 {
      let values = columns.enumerated().map { value($0.element.0, seed + $0.offset) }
      for currency in [Currency?.none, .USD, .EUR, .JPY] {
        let made = builder.record(values, currency: currency)
        #expect(made == Self.plainRecord(builder, values, currency: currency))
        rows += 1
      }
    }
    #expect(rows == 240)
  }

  @Test("an account number already as compared is kept; any other is made so as before")
  func accountKeys() {
    /// The definition: spaces removed, upper case (ASCII byte by byte; anything else the general way).
    func plain(_ s: String) -> String {
      if s.utf8.contains(where: { $0 >= 0x80 }) { return s.filter { !$0.isWhitespace }.uppercased() }
      return String(decoding: s.utf8.filter { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) }.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
    let cases = [
      "", "DE89370400440532013000", "de89 3704 0044 0532 0130 00", "011000138-5905185300", "GB29\tNWBK", "a", "Z", "{}~`@[",
      "ÉCOLE 12", "école12", "12\u{A0}34", "x\ny", "ACCOUNT\r", "`az{",
    ]
    for c in cases { #expect(CashData.account(c) == plain(c), "\(c)") }
    for byte in UInt8(0)...0x7F {
      let s = String(decoding: [0x41, byte, 0x7A], as: UTF8.self)
      #expect(CashData.account(s) == plain(s))
    }
  }

  @Test("accounts: one customer's account twice is fine, another customer's is refused and keeps the first")
  func accountsFile() throws {
    let plan = try Run.plan(Self.rules)
    let files = [
      "customers.csv": "id,name\nc1,One\nc2,Two\n",
      "accounts.csv": "customer,account\nc1,de11 22\nc1,DE1122\nc2,DE11 22\nc2,XY9\nc3,ZZ1\n",
    ]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: plan)
    #expect(data.cash.accounts == ["DE1122": 0, "XY9": 1])
    // (The rules have a plan, so the folder's missing contracts file is an issue too: only the accounts' are looked at.)
    #expect(issues.filter { $0.file.hasSuffix("accounts.csv") }.map { "\($0.code) \($0.line)" } == ["D0304 4", "D0301 6"])
  }

  @Test("contracts naming plans in any order and currency get the plan each names, or its issue")
  func contractPlans() throws {
    let rules = """
      currency USD
      month end clamp
      plan team {
        currency USD, EUR
        period monthly
        charge base { flat [10.00 USD, 9.00 EUR] }
      }
      plan solo {
        period monthly
        charge base { flat 5.00 USD }
      }
      """
    let plan = try Run.plan(rules)
    let rows = [
      "k1,c1,team,2026-01-01,USD", "k2,c1,solo,2026-01-01,USD", "k3,c1,team,2026-01-01,EUR", "k4,c1,team,2026-01-01,",
      "k5,c1,tema,2026-01-01,USD", "k6,c1,team,2026-01-01,GBP", "k7,c1,solo,2026-01-01,", "k8,c1,team,2026-01-01,EUR",
      "k9,c1,team,2026-01-01,USD", "k10,c1,solo,2026-01-01,EUR",
    ]
    let files = [
      "customers.csv": "id,name\nc1,One\n",
      "contracts.csv": "id,customer,plan,start_date,currency\n" + rows.joined(separator: "\n") + "\n",
    ]
    let (data, issues) = Dataset.load(folder: try Run.folder(files), plan: plan)
    for c in data.contracts {
      let row = rows[c.source.line - 2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      let currency = row[4].isEmpty ? nil : Currency.lookup(row[4])
      let want = plan.planIndex[row[2]].flatMap { plan.plan($0, in: currency) }
      #expect(c.plan == want, "\(row)")
    }
    #expect(issues.contains { $0.code == "D0303" && $0.line == 6 })
  }

  /// What a load gave, contracts first: enough to tell any difference in the contracts, their index or the issues.
  static func facts(_ d: Dataset, _ issues: [DataIssue]) -> [String] {
    d.contracts.map { "\($0.id) \($0.customer) \($0.plan) \($0.start) \($0.end.map(\.description) ?? "-") \($0.record) \($0.source)" }
      + d.contracts.map { "\(d.contractIndex[$0.id] ?? -1)" } + ["\(d.contractIndex.keys)"]
      + issues.map { "\($0.code) \($0.line):\($0.column) \($0.message) [\($0.record)]" }
  }

  @Test(
    "contracts checked in chunks by two threads give what checking the file at once gives",
    arguments: ["clean", "duplicate far apart", "duplicate near", "bad row", "unknown customer", "bad date", "no newline at the end", "CR LF"])
  func contractChunks(_ kind: String) throws {
    let plan = try Run.plan(CustomersLoadTests.rules + "\nfield contract.launch_promo: bool = false\n")
    var rows = (1...400).map { k in "ctr-\(k),cust-\(k % 7 + 1),p,2026-0\(k % 9 + 1)-1\(k % 10),,\(k % 5),\(k % 3),USD,,\(k % 2 == 0)" }
    switch kind {
    case "duplicate far apart": rows[390] = rows[3]
    case "duplicate near": rows[201] = rows[200]
    case "bad row": rows[250] = "ctr-x,cust-1,p,2026-13-01,,,,USD,,"
    case "unknown customer": rows[333] = "ctr-u,cust-99,p,2026-01-01,,,,USD,,"
    case "bad date": rows[100] = "ctr-d,cust-1,p,2026-01-01,2025-01-01,,,USD,,"
    default: break
    }
    let end = kind == "CR LF" ? "\r\n" : "\n"
    var text = (["id,customer,plan,start_date,end_date,quantity,seats,currency,billing_anchor,launch_promo"] + rows).joined(separator: end)
    if kind != "no newline at the end" { text += end }
    let customers = "id,name\n" + (1...7).map { "cust-\($0),C\($0)" }.joined(separator: "\n") + "\n"
    let folder = try Run.folder(["customers.csv": customers, "contracts.csv": text])
    let (once, onceIssues) = Dataset.load(folder: folder, plan: plan, chunkContractsAt: .max)
    let (chunked, chunkedIssues) = Dataset.load(folder: folder, plan: plan, chunkContractsAt: 0)
    #expect(once.contracts.count >= 395)
    #expect(Self.facts(chunked, chunkedIssues) == Self.facts(once, onceIssues))
    #expect(onceIssues.isEmpty == (kind == "clean" || kind == "no newline at the end" || kind == "CR LF"))
  }

  @Test("ids packed and found ASCII a word at a time, as byte by byte, at every length and place")
  func packedAndASCII() {
    var g = PlainCSVGen(state: 7)
    for _ in 0..<3_000 {
      let n = g.next(20)
      let offset = g.next(8)
      let bytes: [UInt8] = (0..<(n + offset + 1)).map { _ in g.next(10) == 0 ? UInt8(0x80 + g.next(128)) : UInt8(0x20 + g.next(95)) }
      bytes.withUnsafeBufferPointer { b in
        let p = b.baseAddress! + offset
        var k0: UInt64 = 0
        var k1: UInt64 = UInt64(n) << 56
        for i in 0..<min(n, 8) { k0 |= UInt64(p[i]) << (8 * UInt64(i)) }
        if n > 8 { for i in 8..<n { k1 |= UInt64(p[i]) << (8 * UInt64(i - 8)) } }
        let packed = IDIndex.packed(p, n)
        #expect(n > 15 ? packed == nil : packed?.0 == k0 && packed?.1 == k1, "\(Array(b[offset..<(offset + n)]))")
        #expect(IDIndex.ascii(p, n) == !(0..<n).contains { p[$0] >= 0x80 }, "\(Array(b[offset..<(offset + n)]))")
      }
    }
  }
}

/// A small deterministic generator.
struct PlainCSVGen {
  var state: UInt64
  mutating func next(_ n: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(max(n, 1)))
  }
}
