import AccrueCore
import AccrueGen
import Foundation
import Testing
import AccrueTestSupport

/// The seeded dataset generator: reproducible, valid against docs/data.md and the bundled rules.
@Suite("DataGenerator")
struct DataGeneratorTests {
  static let repoRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let files = ["customers", "contracts", "usage", "invoices", "payments", "accounts"]
  static let small = DataGeneratorOptions(contracts: 60, events: 3_000, openInvoices: 120, payments: 150, seed: 7)

  /// A fresh temporary folder (removed by the caller).
  static func tempDir() -> String {
    TemporaryPaths.make("accrue-gen")
  }

  static func generate(_ o: DataGeneratorOptions) throws -> (dir: String, files: [String: Data]) {
    let dir = tempDir()
    try DataGenerator.write(o, to: dir + "/nested/data")
    var out: [String: Data] = [:]
    for f in files {
      out[f] = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/nested/data/\(f).csv"))
    }
    return (dir, out)
  }

  /// Parsed tables of one generated folder: header and rows per file.
  static func tables(_ o: DataGeneratorOptions) throws -> [String: CSVTable] {
    let (dir, files) = try generate(o)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var out: [String: CSVTable] = [:]
    for (name, data) in files { out[name] = try CSVTable(String(decoding: data, as: UTF8.self)) }
    return out
  }

  @Test("the same options give byte-identical files")
  func reproducible() throws {
    let (a, fa) = try Self.generate(Self.small)
    let (b, fb) = try Self.generate(Self.small)
    defer {
      try? FileManager.default.removeItem(atPath: a)
      try? FileManager.default.removeItem(atPath: b)
    }
    for f in Self.files {
      #expect(fa[f] == fb[f], "\(f).csv differs between two runs")
      #expect((fa[f]?.count ?? 0) > 100, "\(f).csv is nearly empty")
    }
  }

  @Test("different seeds give different data")
  func seedsDiffer() throws {
    var other = Self.small
    other.seed = 8
    let (a, fa) = try Self.generate(Self.small)
    let (b, fb) = try Self.generate(other)
    defer {
      try? FileManager.default.removeItem(atPath: a)
      try? FileManager.default.removeItem(atPath: b)
    }
    for f in Self.files { #expect(fa[f] != fb[f], "\(f).csv is the same for seeds 7 and 8") }
  }

  @Test("row counts follow the options; about two contracts per customer")
  func counts() throws {
    let t = try Self.tables(Self.small)
    #expect(t["contracts"]?.rows.count == 60)
    #expect(t["usage"]?.rows.count == 3_000)
    #expect(t["invoices"]?.rows.count == 120)
    #expect(t["payments"]?.rows.count == 150)
    let customers = t["customers"]?.rows.count ?? 0
    #expect(customers >= 20 && customers <= 60, "\(customers) customers for 60 contracts")
  }

  @Test("every reference resolves and every id is unique")
  func referencesResolve() throws {
    let t = try Self.tables(Self.small)
    let customers = try #require(t["customers"]), contracts = try #require(t["contracts"])
    let usage = try #require(t["usage"]), invoices = try #require(t["invoices"])
    for (name, table) in t {
      let ids = table.column("id")
      #expect(Set(ids).count == ids.count, "duplicate ids in \(name).csv")
    }
    let customerIDs = Set(customers.column("id"))
    var contractCustomer: [String: String] = [:]
    var contractPlan: [String: String] = [:]
    var contractRange: [String: (CivilDate, CivilDate?)] = [:]
    // The currencies each plan of rules/plans.accrue is priced in (team and business: a price book, §6.2).
    let plans: [String: Set<String>] = ["starter": ["USD"], "team": ["USD", "EUR"], "business": ["USD", "EUR"]]
    for row in contracts.records {
      #expect(customerIDs.contains(row["customer"] ?? ""), "contract \(row["id"] ?? "") has an unknown customer")
      let plan = row["plan"] ?? ""
      #expect(plans[plan] != nil, "unknown plan \(plan)")
      #expect(plans[plan]?.contains(row["currency"] ?? "") == true, "contract \(row["id"] ?? "") is in a currency its plan has no price in")
      let start = try #require(CivilDate.parse(row["start_date"] ?? ""))
      let end = row["end_date"].flatMap { $0.isEmpty ? nil : CivilDate.parse($0) }
      if let end { #expect(end >= start) }
      if let anchor = row["billing_anchor"], !anchor.isEmpty { #expect(CivilDate.parse(anchor) != nil) }
      contractCustomer[row["id"]!] = row["customer"]
      contractPlan[row["id"]!] = plan
      contractRange[row["id"]!] = (start, end)
    }
    let asOf = try #require(CivilDate.parse(Self.small.asOf))
    let monthBefore = try #require(asOf.adding(months: -1, .clamp))
    var fiveHundreds = 0
    for row in usage.records {
      let contract = row["contract"] ?? ""
      #expect(contractCustomer[contract] == row["customer"], "event \(row["id"] ?? ""): contract and customer disagree")
      let day = try #require(CivilDate.parse(row["date"] ?? ""))
      #expect(day >= monthBefore && day < asOf, "event \(row["id"] ?? "") outside the month before asOf")
      if let (start, end) = contractRange[contract] {
        #expect(day >= start && (end.map { day <= $0 } ?? true), "event \(row["id"] ?? "") outside its contract")
      }
      let plan = contractPlan[contract] ?? ""
      switch row["name"] {
      case "api.request":
        #expect(plan == "team")
        let status = try #require(Int(row["status_code"] ?? ""))
        #expect((200..<600).contains(status))
        if status >= 500 { fiveHundreds += 1 }
      case "users.daily_active":
        #expect(plan == "business")
      default:
        Issue.record("unknown event name \(row["name"] ?? "")")
      }
      #expect(Fixed(row["quantity"] ?? "").map { $0 > .zero } == true)
    }
    #expect(fiveHundreds > 0, "some API batches fail with 5xx")
    let invoiceNumbers = Set(invoices.column("number"))
    for row in invoices.records {
      #expect(customerIDs.contains(row["customer"] ?? ""))
      #expect(contractCustomer[row["contract"] ?? ""] == row["customer"], "invoice \(row["id"] ?? "")")
      let issue = try #require(CivilDate.parse(row["issue_date"] ?? ""))
      let due = try #require(CivilDate.parse(row["due_date"] ?? ""))
      #expect(issue < asOf && due >= issue)
      #expect(row["status"] == "open")
    }
    // Remittance texts name real invoices (after normalising the ways people type them).
    var named = 0
    for row in t["payments"]!.records {
      #expect(CivilDate.parse(row["booking_date"] ?? "") != nil && CivilDate.parse(row["value_date"] ?? "") != nil)
      let text = (row["remittance"] ?? "").uppercased().replacingOccurrences(of: "\n", with: "")
      if text.contains("INV-") || text.contains("INV ") || text.contains("INV2") {
        named += 1
        let found = invoiceNumbers.contains { number in
          let digits = number.dropFirst(4).split(separator: "-")
          return text.contains(number) || text.contains("INV \(digits[0]) \(Int(digits[1]) ?? 0)")
            || text.contains("INV\(digits[0])\(digits[1])") || text.contains("INV-\(digits[0])-00\(digits[1])")
        }
        #expect(found, "remittance names no invoice: \(text)")
      }
    }
    #expect(named > 0)
  }

  @Test("amounts respect their currency's decimals; paid and disputed stay within the amount")
  func currencyDecimals() throws {
    let t = try Self.tables(Self.small)
    func check(_ value: String?, _ currency: String?, _ what: String) {
      guard let value, !value.isEmpty else { return }
      guard let c = Currency.lookup(currency ?? ""), let x = Fixed(value) else {
        Issue.record("\(what): bad amount \(value) \(currency ?? "")")
        return
      }
      #expect(x.significantFractionDigits <= c.minorUnits, "\(what): \(value) \(c.code)")
      #expect(!x.isNegative, "\(what): negative")
    }
    for row in t["invoices"]!.records {
      for column in ["amount", "amount_paid", "disputed_amount"] { check(row[column], row["currency"], "invoice \(column)") }
      let amount = Fixed(row["amount"] ?? "") ?? .zero
      let paid = Fixed(row["amount_paid"] ?? "") ?? .zero
      let disputed = Fixed(row["disputed_amount"] ?? "") ?? .zero
      #expect(paid < amount && disputed <= (amount.subtracting(paid) ?? .zero), "invoice \(row["id"] ?? "")")
      if row["currency"] == "EUR" { #expect(row["reference"]?.hasPrefix("RF") == true) }
    }
    for row in t["payments"]!.records { check(row["amount"], row["currency"], "payment amount") }
  }

  @Test("headers use the columns of docs/data.md and the custom fields the rules declare")
  func headersMatchDocs() throws {
    let docs = try String(contentsOf: Self.repoRoot.appendingPathComponent("docs/data.md"), encoding: .utf8)
    let settings = try String(contentsOf: Self.repoRoot.appendingPathComponent("rules/settings.accrue"), encoding: .utf8)
    let documented = DocColumns(docs)
    // Custom fields: `field RECORD.NAME` in the rules, by the file that holds the record.
    let fileOf = ["customer": "customers", "contract": "contracts", "event": "usage", "invoice": "invoices", "payment": "payments"]
    var custom: [String: Set<String>] = [:]
    for line in settings.split(separator: "\n") where line.hasPrefix("field ") {
      let ref = line.dropFirst(6).prefix { $0 != ":" }.split(separator: ".")
      if ref.count == 2, let file = fileOf[String(ref[0])] { custom[file, default: []].insert(String(ref[1])) }
    }
    let t = try Self.tables(Self.small)
    for file in Self.files {
      let header = try #require(t[file]).header
      #expect(header == DataGenerator.columns[file], "\(file).csv header differs from DataGenerator.columns")
      guard let doc = documented.tables[file] else {
        // payments.csv is not in docs/data.md yet: its columns are the payment record's (grammar.md section 5.1).
        #expect(file == "payments", "docs/data.md has no table for \(file)")
        #expect(header == ["id", "booking_date", "value_date", "amount", "currency", "reference", "remittance", "payer_name", "payer_account"])
        continue
      }
      for column in header {
        #expect(doc.all.contains(column) || custom[file]?.contains(column) == true, "\(file).csv: unknown column \(column)")
      }
      for column in doc.required { #expect(header.contains(column), "\(file).csv lacks required column \(column)") }
      for column in custom[file] ?? [] { #expect(header.contains(column), "\(file).csv lacks custom field \(column)") }
    }
  }

  @Test("payments pay invoices exactly, short, over, by RF reference, or come from unknown payers")
  func paymentMix() throws {
    let t = try Self.tables(Self.small)
    let invoices = t["invoices"]!.records, payments = t["payments"]!.records
    let customerNames = Set(t["customers"]!.column("name").map { $0.uppercased() })
    func open(_ inv: [String: String]) -> Fixed {
      (Fixed(inv["amount"] ?? "") ?? .zero).subtracting(Fixed(inv["amount_paid"] ?? "") ?? .zero) ?? .zero
    }
    func names(_ text: String, _ number: String) -> Bool {
      let t = text.uppercased().replacingOccurrences(of: "\n", with: "")
      let parts = number.dropFirst(4).split(separator: "-")
      return t.contains(number) || t.contains("INV \(parts[0]) \(Int(parts[1]) ?? -1)")
        || t.contains("INV\(parts[0])\(parts[1])") || t.contains("INV-\(parts[0])-00\(parts[1])")
    }
    var exact = 0, short = 0, over = 0, byRF = 0, unknown = 0
    for p in payments {
      let amount = try #require(Fixed(p["amount"] ?? ""))
      #expect(amount > .zero)
      let named = invoices.filter { names(p["remittance"] ?? "", $0["number"] ?? "") }
      if named.count == 1 {
        let due = open(named[0])
        #expect(named[0]["currency"] == p["currency"], "payment \(p["id"] ?? "") in another currency")
        if amount == due { exact += 1 } else if amount < due { short += 1 } else { over += 1 }
      }
      if let ref = p["reference"], !ref.isEmpty {
        #expect(Self.mod97(String(ref.dropFirst(4)) + String(ref.prefix(4))) == 1, "RF check digits of \(ref)")
        #expect(invoices.contains { $0["reference"] == ref && $0["currency"] == p["currency"] })
        byRF += 1
      }
      let payer = (p["payer_name"] ?? "").uppercased()
      let known = customerNames.contains(where: { $0.hasPrefix(payer) })
      if !payer.isEmpty && !known { unknown += 1 }
      if let account = p["payer_account"], account.count > 20, account.first?.isLetter == true {
        #expect(Self.mod97(String(account.dropFirst(4)) + String(account.prefix(4))) == 1, "IBAN check digits of \(account)")
      }
    }
    #expect(exact > 0 && short > 0 && over > 0 && byRF > 0 && unknown > 0, "\(exact) \(short) \(over) \(byRF) \(unknown)")
  }

  @Test("tiny and empty sizes still give valid files")
  func tinySizes() throws {
    for o in [
      DataGeneratorOptions(contracts: 0, events: 100, openInvoices: 10, payments: 10, seed: 3),
      DataGeneratorOptions(contracts: 1, events: 5, openInvoices: 0, payments: 4, seed: 3),
      DataGeneratorOptions(contracts: 3, events: 40, openInvoices: 2, payments: 6, seed: 3, asOf: "2027-03-31"),
    ] {
      let t = try Self.tables(o)
      #expect(t["contracts"]?.rows.count == o.contracts)
      #expect(t["usage"]?.rows.count == (o.contracts == 0 ? 0 : o.events))
      #expect(t["invoices"]?.rows.count == (o.contracts == 0 ? 0 : o.openInvoices))
      #expect(t["payments"]?.rows.count == o.payments)
      for file in Self.files { #expect(t[file]?.header == DataGenerator.columns[file]) }
    }
  }

  /// ISO 7064 mod 97-10 over digits and letters (A = 10).
  static func mod97(_ text: String) -> Int {
    text.reduce(0) { m, ch in
      if let d = ch.wholeNumberValue { return (m * 10 + d) % 97 }
      if let a = ch.asciiValue, ch.isUppercase { return (m * 100 + Int(a) - 55) % 97 }
      return m
    }
  }

  @Test("a folder that cannot be created is an I/O error")
  func ioError() {
    #expect(throws: DataGeneratorError.self) {
      try DataGenerator.write(Self.small, to: "/proc/accrue-cannot-write-here")
    }
  }

  @Test("the bundled sample data uses only documented and declared columns")
  func sampleDataHeaders() throws {
    let docs = try String(contentsOf: Self.repoRoot.appendingPathComponent("docs/data.md"), encoding: .utf8)
    let documented = DocColumns(docs)
    let declared: [String: Set<String>] = [
      "customers": ["strategic", "in_litigation"], "contracts": ["launch_promo"], "usage": ["status_code"],
    ]
    for file in ["customers", "contracts", "contract_changes", "usage", "invoices"] {
      let url = Self.repoRoot.appendingPathComponent("examples/data/\(file).csv")
      let table = try CSVTable(String(contentsOf: url, encoding: .utf8))
      let doc = try #require(documented.tables[file])
      for column in table.header {
        #expect(doc.all.contains(column) || declared[file]?.contains(column) == true, "\(file).csv: \(column)")
      }
      for column in doc.required { #expect(table.header.contains(column), "\(file).csv lacks \(column)") }
      #expect(table.rows.allSatisfy { $0.count == table.header.count }, "\(file).csv: ragged rows")
    }
  }
}

/// The column tables of docs/data.md: `## NAME` then `| \`column\` | type | required | meaning |` rows.
struct DocColumns {
  var tables: [String: (all: Set<String>, required: Set<String>)] = [:]

  init(_ text: String) {
    var current: String? = nil
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("## ") {
        current = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
        continue
      }
      guard let name = current, line.hasPrefix("| `") else { continue }
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 3 else { continue }
      // A cell may name two columns: "`period_start`, `period_end`".
      let columns = cells[0].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
      for column in columns {
        tables[name, default: ([], [])].all.insert(column)
        if cells[2] == "yes" { tables[name, default: ([], [])].required.insert(column) }
      }
    }
  }
}

/// A small RFC 4180 reader for the tests: quoted fields with commas, doubled quotes and line breaks.
struct CSVTable {
  var header: [String]
  var rows: [[String]]

  struct Malformed: Error {}

  init(_ text: String) throws {
    var rows: [[String]] = []
    var row: [String] = []
    var field: [UInt8] = []
    var quoted = false
    var bytes = Array(text.utf8)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if quoted {
        if b == 0x22 {
          if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
            field.append(0x22)
            i += 1
          } else {
            quoted = false
          }
        } else {
          field.append(b)
        }
      } else if b == 0x22 {
        guard field.isEmpty else { throw Malformed() }
        quoted = true
      } else if b == 0x2C {
        row.append(String(decoding: field, as: UTF8.self))
        field = []
      } else if b == 0x0A || b == 0x0D {
        if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
        row.append(String(decoding: field, as: UTF8.self))
        field = []
        rows.append(row)
        row = []
      } else {
        field.append(b)
      }
      i += 1
    }
    if quoted { throw Malformed() }
    if !field.isEmpty || !row.isEmpty {
      row.append(String(decoding: field, as: UTF8.self))
      rows.append(row)
    }
    guard let first = rows.first else { throw Malformed() }
    header = first
    self.rows = Array(rows.dropFirst())
    for r in self.rows where r.count != header.count { throw Malformed() }
  }

  func column(_ name: String) -> [String] {
    guard let k = header.firstIndex(of: name) else { return [] }
    return rows.map { $0[k] }
  }

  /// Rows as dictionaries by column name.
  var records: [[String: String]] {
    rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }
}
