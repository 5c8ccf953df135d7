import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueFormat
import AccrueModel
import AccrueParser
import AccrueTestSupport
import Foundation
import Testing

/// The receivables ledger's statements (grammar.md §9): `number invoices|debit notes`, `fees billed`, `account
/// credit`: what they check, what they compile to, how numbers are written, and their layout.
@Suite("Ledger statements")
struct LedgerStatementTests {
  /// The plan of a rule set that must check without errors.
  static func plan(_ files: [(String, String)]) throws -> ExecutablePlan {
    let load = RuleSetLoader.load(root: "rules", files: files)
    let (results, diags) = Frontend.check(load)
    let errors = diags.filter { $0.severity == .error }
    try #require(errors.isEmpty, "rules do not check: \(errors.map { "\($0.code.id) \($0.message)" })")
    return PlanCompiler.compile(results[0].1.program, sources: load.sources)
  }

  static func plan(_ text: String) throws -> ExecutablePlan { try plan([("rules.accrue", text)]) }

  /// The diagnostics of a rule file (warnings about unused definitions left out).
  static func diagnostics(_ text: String) -> [Diagnostic] {
    Support.check(text).1.filter { $0.code.id != "W0301" }
  }

  // MARK: - What the plan holds

  @Test("the statements compile to the plan's numbering, fee billing and credit use, each with its rule")
  func compiles() throws {
    let p = try Self.plan(
      """
      currency USD
      field customer.entity: text = "NW"
      number invoices "NW-{year}-{seq:5}" per year
      number debit notes "{entity}-D{year}{month}-{seq}" per month, customer.entity
      fees billed on next invoice
      account credit applied oldest first
      """)
    let inv = try #require(p.invoiceNumbering)
    #expect(inv.pieces == [.text("NW-"), .year, .text("-"), .sequence(width: 5)])
    #expect(inv.perYear && !inv.perMonth && inv.entity == nil)
    #expect(inv.rule.file == "rules/rules.accrue" && inv.rule.line == 3 && inv.rule.column == 1)
    let dn = try #require(p.debitNoteNumbering)
    #expect(dn.pieces == [.entity, .text("-D"), .year, .month, .text("-"), .sequence(width: 1)])
    #expect(!dn.perYear && dn.perMonth)
    // A custom field's slot follows the customer's core fields.
    #expect(dn.entity?.record == .customer && dn.entity?.slot == Schema.core[.customer]!.count && dn.entity?.name == "customer.entity")
    #expect(dn.rule.line == 4)
    #expect(p.feeBilling == .nextInvoice && p.feeBillingRule?.line == 5)
    #expect(p.creditUse == .oldestFirst && p.creditUseRule?.line == 6)
  }

  @Test("without the statements: no numbering, fees as debit notes, credit held")
  func defaults() throws {
    let p = try Self.plan("currency USD\n")
    #expect(p.invoiceNumbering == nil && p.debitNoteNumbering == nil)
    #expect(p.feeBilling == .debitNotes && p.feeBillingRule == nil)
    #expect(p.creditUse == .held && p.creditUseRule == nil)
    let q = try Self.plan("fees billed as debit notes\naccount credit held\n")
    #expect(q.feeBilling == .debitNotes && q.feeBillingRule?.line == 1)
    #expect(q.creditUse == .held && q.creditUseRule?.line == 2)
  }

  @Test("a built-in text field of the contract or customer is a scope, at its slot in the record")
  func builtInFields() throws {
    let p = try Self.plan(
      """
      number invoices "{entity}-{seq:6}" per contract.plan
      number debit notes "DN-{entity}-{year}-{seq:6}" per customer.country, year
      """)
    #expect(p.invoiceNumbering?.entity?.record == .contract && p.invoiceNumbering?.entity?.slot == 2)
    #expect(p.debitNoteNumbering?.entity?.record == .customer && p.debitNoteNumbering?.entity?.slot == 3)
    #expect(p.debitNoteNumbering?.perYear == true)
  }

  @Test("the scope's slot is where the data loader puts the field's value")
  func slotMatchesData() throws {
    let p = try Self.plan(
      """
      currency USD
      field customer.segment_code: number = 0
      field customer.entity: text = "NW"
      field contract.series: text
      number invoices "{entity}-{year}-{seq:5}" per year, customer.entity
      number debit notes "{entity}-D{year}-{seq:5}" per year, contract.series
      plan team {
        period monthly
        align to calendar
        charge base { flat 10.00 USD }
      }
      """)
    let dir = TemporaryPaths.url("accrue-ledger-slots")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try "id,name,entity\nc1,One,NWE\nc2,Two,\n".write(to: dir.appendingPathComponent("customers.csv"), atomically: true, encoding: .utf8)
    try "id,customer,plan,start_date,series\nk1,c1,team,2026-01-01,EU\n".write(
      to: dir.appendingPathComponent("contracts.csv"), atomically: true, encoding: .utf8)
    let (data, issues) = Dataset.load(folder: dir.path, plan: p)
    #expect(issues.isEmpty, "\(issues)")
    let inv = try #require(p.invoiceNumbering?.entity)
    let dn = try #require(p.debitNoteNumbering?.entity)
    #expect(inv.record == .customer && dn.record == .contract)
    let c1 = try #require(data.customers.first { $0.id == "c1" })
    let c2 = try #require(data.customers.first { $0.id == "c2" })
    #expect(c1.record[inv.slot] == .text("NWE"))
    #expect(c2.record[inv.slot] == .text("NW"))  // left empty: the declared default
    #expect(data.contracts[0].record[dn.slot] == .text("EU"))
  }

  /// The plan of a conformance rule set.
  static func conformancePlan(_ folder: String) throws -> ExecutablePlan {
    let load = RuleSetLoader.load(paths: [ConformanceTests.suite.appendingPathComponent(folder).path])
    let (results, diags) = Frontend.check(load)
    try #require(diags.isEmpty && results.count == 1, "\(diags.map(\.message))")
    return PlanCompiler.compile(results[0].1.program, sources: load.sources)
  }

  @Test("the conformance rule sets compile to the numbers, fee billing and credit use their tests work out by hand")
  func conformanceRuleSets() throws {
    let a = try Self.conformancePlan("ledger")
    let inv = try #require(a.invoiceNumbering)
    let dn = try #require(a.debitNoteNumbering)
    #expect(inv.format(year: 2026, month: 11, entity: "", sequence: 1) == "NW-2026-00001")
    #expect(inv.perYear && inv.entity == nil)
    #expect(dn.format(year: 2026, month: 11, entity: "TR", sequence: 1) == "TR-D2026-00001")
    #expect(dn.perYear && dn.entity?.record == .customer && dn.entity?.name == "customer.entity")
    #expect(a.feeBilling == .debitNotes && a.feeBillingRule != nil)
    #expect(a.creditUse == .oldestFirst && a.creditUseRule != nil)

    let b = try Self.conformancePlan("ledger-alternatives")
    let binv = try #require(b.invoiceNumbering)
    let bdn = try #require(b.debitNoteNumbering)
    #expect(binv.format(year: 2026, month: 11, entity: "US", sequence: 1) == "US-202611-0001")
    #expect(binv.format(year: 2026, month: 11, entity: "EU", sequence: 1) == "EU-202611-0001")
    #expect(binv.perMonth && binv.entity?.record == .contract && binv.entity?.name == "contract.series")
    #expect(bdn.format(year: 2026, month: 11, entity: "", sequence: 2) == "DN-000002")
    #expect(!bdn.perYear && !bdn.perMonth && bdn.entity == nil)
    #expect(b.feeBilling == .nextInvoice && b.feeBillingRule?.file.hasSuffix("ledger-alternatives/ledger.accrue") == true)
    #expect(b.creditUse == .held && b.creditUseRule != nil)
  }

  // MARK: - Writing numbers

  @Test(
    "a number written from its format",
    arguments: [
      ("NW-{year}-{seq:5}", 2026, 11, "", 42, "NW-2026-00042"),
      ("NWD-{year}-{seq:5}", 2026, 1, "", 1, "NWD-2026-00001"),
      ("{entity}-{year}{month}-{seq:4}", 2026, 3, "TR", 7, "TR-202603-0007"),
      ("INV-{seq:6}", 2026, 1, "", 1_234_567, "INV-1234567"),  // longer than the width: written in full
      ("INV-{seq}", 2026, 1, "", 42, "INV-42"),
      ("{year}/{month}/{seq:12}", 987, 12, "", 5, "0987/12/000000000005"),
      ("A\\\"B-{seq:2}", 2026, 1, "", 3, "A\"B-03"),
    ] as [(String, Int, Int, String, Int, String)])
  func formats(_ format: String, _ year: Int, _ month: Int, _ entity: String, _ sequence: Int, _ expected: String) throws {
    let perEntity = format.contains("{entity}")
    let p = try Self.plan(
      (perEntity ? "field customer.entity: text\n" : "")
        + "number invoices \"\(format)\"\(format.contains("{year}") ? " per year" : "")\(perEntity ? ", customer.entity" : "")\n")
    let r = try #require(p.invoiceNumbering)
    #expect(NumberingRule.format(r, year: year, month: month, entity: entity, sequence: sequence) == expected)
    #expect(r.format(year: year, month: month, entity: entity, sequence: sequence) == expected)
  }

  @Test("format is pure over the pieces it is given")
  func formatPieces() {
    let r = NumberingRule(
      pieces: [.text("X"), .sequence(width: 3), .text("/"), .month], perYear: false, perMonth: false, entity: nil,
      rule: RuleRef(file: "r", line: 1))
    #expect(NumberingRule.format(r, year: 2026, month: 9, entity: "", sequence: 12) == "X012/09")
    #expect(NumberingRule.format(r, year: 2026, month: 9, entity: "", sequence: 12) == NumberingRule.format(r, year: 2026, month: 9, entity: "", sequence: 12))
    #expect(r == r)
  }

  @Test("a number written into a buffer is the pieces' strings joined (padded numbers as `String` writes them)")
  func formatAsJoinedStrings() {
    func padded(_ n: Int, _ width: Int) -> String {
      let digits = String(n.magnitude)
      return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    let pieces: [[NumberingRule.Piece]] = [
      [.text("NW-"), .year, .text("-"), .sequence(width: 5)],
      [.entity, .text("-"), .year, .month, .text("-"), .sequence(width: 4)],
      [.entity, .entity, .text("/"), .sequence(width: 0)],
      [.text("a long prefix, longer than a small string: "), .sequence(width: 30), .text("é")],
      [.year, .month, .sequence(width: 25)],
      [],
    ]
    for p in pieces {
      let r = NumberingRule(pieces: p, perYear: false, perMonth: false, entity: nil, rule: RuleRef(file: "r", line: 1))
      for (year, month, entity, n) in [
        (2026, 11, "", 42), (987, 1, "TR", 7), (-12, -3, "entité-longue-de-plus-de-seize-octets", Int.max), (2026, 12, "EU", Int.min),
        (0, 0, "", 0), (123_456, 123, "x", -1),
      ] {
        let expected = p.map { piece -> String in
          switch piece {
          case .text(let t): t
          case .year: padded(year, 4)
          case .month: padded(month, 2)
          case .entity: entity
          case .sequence(let w): padded(n, w)
          }
        }.joined()
        #expect(NumberingRule.format(r, year: year, month: month, entity: entity, sequence: n) == expected, "\(p) \(n)")
      }
    }
  }

  // MARK: - Checks

  @Test("the issue's examples check", arguments: [
    "number invoices \"NW-{year}-{seq:5}\" per year\nnumber debit notes \"NWD-{year}-{seq:5}\" per year\n",
    "field customer.entity: text\nnumber invoices \"{entity}-{year}{month}-{seq:4}\" per month, customer.entity\n",
    "number invoices \"INV-{seq:6}\"\nfees billed as debit notes\naccount credit applied oldest first\n",
    "fees billed on next invoice\naccount credit held\n",
  ])
  func examplesCheck(_ text: String) {
    #expect(Self.diagnostics(text).isEmpty, "\(Self.diagnostics(text).map(\.message))")
  }

  @Test(
    "mistakes and their codes",
    arguments: [
      ("number invoices \"INV-{year}\" per year", ["E0603"]),
      ("number invoices \"INV-{seq}{seq:3}\"", ["E0603"]),
      ("number invoices \"INV-{yr}-{seq}\" per year", ["E0602"]),
      ("number invoices \"INV-{year-{seq}\" per year", ["E0601"]),
      ("number invoices \"INV-{seq}}\"", ["E0601"]),
      ("number invoices \"INV-{seq:}\"", ["E0601"]),
      ("number invoices \"INV-{month:2}-{seq}\"", ["E0601"]),
      ("number invoices \"INV-{seq:0}\"", ["E0411"]),
      ("number invoices \"INV-{seq:99999999999999999999}\"", ["E0411"]),
      ("number invoices \"INV-{seq:5}\" per year", ["E0604"]),
      ("number invoices \"INV-{year}-{seq:5}\" per month", ["E0604"]),
      ("number invoices \"INV-{month}-{seq:5}\" per month", ["E0604"]),
      ("number invoices \"INV-{entity}-{seq:5}\"", ["E0604"]),
      ("number invoices \"INV-{seq:5}\" per customer.id", ["E0604"]),
      ("number invoices \"INV-{year}{month}-{seq:5}\" per year, month", ["E0605"]),
      ("number invoices \"INV-{year}-{seq:5}\" per year, year", ["E0605"]),
      ("number invoices \"{entity}-{seq:5}\" per customer.id, contract.id", ["E0605"]),
      ("number invoices \"{entity}-{seq:5}\" per customer.credit_hold", ["E0401"]),
      ("number invoices \"{entity}-{seq:5}\" per customer.entity", ["E0303"]),
      ("number invoices \"{entity}-{seq:5}\" per invoice.id", ["E0309"]),
      ("number invoices \"{entity}-{seq:5}\" per custmer.id", ["E0301"]),
      ("number invoices \"X-{seq}\"\nnumber debit notes \"X-{seq:4}\"", ["E0606"]),
      ("number invoices \"X-{seq}\"\nnumber invoices \"Y-{seq}\"", ["E0506"]),
      ("number invoices \"X-{seq}\"\nnumber credit notes \"X-{seq:4}\"", ["E0606"]),
      ("number debit notes \"D-{year}-{seq}\" per year\nnumber credit notes \"D-{year}-{seq}\" per year", ["E0606"]),
      ("number credit notes \"CN-{seq}\" per year", ["E0604"]),
      ("number credit notes \"CN-{seq}\"\nnumber credit notes \"CN2-{seq}\"", ["E0506"]),
      ("number credit note \"CN-{seq}\"", ["E0201"]),
      ("fees billed as debit notes\nfees billed as debit notes", ["E0506"]),
      ("account credit held\naccount credit held", ["E0506"]),
      ("number invoice \"X-{seq}\"", ["E0201"]),
      ("number invoices X", ["E0201"]),
      ("number invoices \"X-{seq}\" per annum", ["E0201"]),
      ("fees billed as credit notes", ["E0201"]),
      ("account credit applied newest first", ["E0201"]),
      ("plan p {\n  period monthly\n  number invoices \"X-{seq}\"\n}", ["E0202"]),
    ] as [(String, [String])])
  func mistakes(_ text: String, _ codes: [String]) {
    // (`number credit notes "CN-{year}-{seq:4}" per year` checks clean: CreditNoteCommandTests.)
    let found = Set(Self.diagnostics(text).map(\.code.id)).subtracting(["E0510", "E0406"])
    #expect(found == Set(codes), "\(text): \(Self.diagnostics(text).map { "\($0.code.id) \($0.message)" })")
  }

  @Test("messages show the number that would repeat and the format to write")
  func messagesSayWhatToWrite() throws {
    let year = try #require(Self.diagnostics("number invoices \"INV-{seq:5}\" per year").first)
    #expect(year.message.contains("\"INV-00001\" would be issued in 2026 and again in 2027"), "\(year.message)")
    #expect(year.help == "put the year in the number: \"INV-{year}-{seq:5}\"")
    let month = try #require(Self.diagnostics("number invoices \"INV-{year}-{seq:5}\" per month").first)
    #expect(month.message.contains("\"INV-2026-00001\" would be issued in January 2026 and again in February 2026"), "\(month.message)")
    #expect(month.help == "put the month in the number: \"INV-{year}{month}-{seq:5}\"")
    let entity = try #require(
      Self.diagnostics("field customer.entity: text\nnumber invoices \"INV-{seq:5}\" per customer.entity").first)
    #expect(entity.help == "put the field's value in the number: \"{entity}-INV-{seq:5}\"")
    let unknown = try #require(Self.diagnostics("number invoices \"INV-{YYYY}-{seq:5}\"").first)
    #expect(unknown.help?.hasPrefix("did you mean '{year}'?") == true)
    #expect(unknown.help?.contains("{year}, {month}, {entity}, {seq} and {seq:N}") == true)
    let twice = try #require(Self.diagnostics("number invoices \"X-{seq}\"\nnumber invoices \"Y-{seq}\"").first)
    #expect(twice.notes.first?.message == "first stated here" && twice.notes.first?.span?.start == 0)
    let collide = try #require(Self.diagnostics("number invoices \"NW-{year}-{seq:5}\" per year\nnumber debit notes \"NW-{year}-{seq:5}\" per year").first)
    #expect(collide.message.contains("\"NW-2026-00001\""))
    #expect(collide.help?.contains("\"NWD-{year}-{seq:5}\"") == true)
    let inBlock = try #require(Self.diagnostics("cadence c {\n  fees billed on next invoice\n}").first { $0.code.id == "E0202" })
    #expect(inBlock.help?.contains("write it at the top of a rule file") == true)
    // A choice misworded: both ways to write it.
    let credit = try #require(Self.diagnostics("account credit applied newest first").first)
    #expect(credit.help == "write 'account credit applied oldest first' (credit pays the customer's oldest open invoices) or 'account credit held'")
    let fees = try #require(Self.diagnostics("fees billed as debit note").first)
    #expect(fees.help == "write 'fees billed as debit notes' (a debit note per fee) or 'fees billed on next invoice'")
  }

  @Test("a statement repeated in another file of the rule set points at the first")
  func onceAcrossFiles() {
    let (load, diags) = Support.check([
      ("a.accrue", "account credit held\n"), ("b.accrue", "account credit applied oldest first\n"),
    ])
    let d = diags.filter { $0.code.id == "E0506" }
    #expect(d.count == 1)
    #expect(d.first.map { load.sources[$0.span.file].path.hasSuffix("b.accrue") } == true)
    #expect(d.first?.notes.first?.span.map { load.sources[$0.file].path.hasSuffix("a.accrue") } == true)
  }

  // MARK: - Layout

  @Test("accrue fmt writes the statements in canonical layout, and again the same")
  func layout() throws {
    let messy = """
      number   invoices "{entity}-{year}{month}-{seq:4}"per month ,customer.entity
        number debit notes "NWD-{year}-{seq:5}"   per year     # debit notes of their own
      fees  billed  on next  invoice
      account credit applied   oldest first

      """
    let canonical = """
      number invoices "{entity}-{year}{month}-{seq:4}" per month, customer.entity
      number debit notes "NWD-{year}-{seq:5}" per year  # debit notes of their own
      fees billed on next invoice
      account credit applied oldest first

      """
    let once = try FormatterTests.format(messy)
    #expect(once == canonical)
    #expect(try FormatterTests.format(once) == once)
  }

  @Test("a number written as bytes is the text its definition gives: each piece appended as a string, zero padded")
  func numberBytesAsDefinition() {
    func plain(_ r: NumberingRule, _ y: Int, _ m: Int, _ e: String, _ n: Int) -> String {
      func padded(_ v: Int, _ w: Int) -> String {
        let d = String(v.magnitude)
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, w - d.count)) + d
      }
      return r.pieces.map {
        switch $0 {
        case .text(let t): t
        case .year: padded(y, 4)
        case .month: padded(m, 2)
        case .entity: e
        case .sequence(let w): padded(n, w)
        }
      }.joined()
    }
    let rule = RuleRef(file: "r", line: 1)
    let shapes: [[NumberingRule.Piece]] = [
      [.text("INV-"), .year, .text("-"), .sequence(width: 6)], [.entity, .text("-"), .year, .month, .text("-"), .sequence(width: 4)],
      [.sequence(width: 1)], [.text("Ré-"), .sequence(width: 0), .text("·"), .entity], [.month, .year, .sequence(width: 20)],
    ]
    for pieces in shapes {
      let r = NumberingRule(pieces: pieces, perYear: false, perMonth: false, entity: nil, rule: rule)
      for (y, m) in [(2026, 1), (2026, 12), (999, 7), (12345, 10), (0, 0), (-5, -3)] {
        for n in [0, 1, 9, 10, 99_999, 100_000, 123_456_789, Int.max, -1, -42, Int.min] {
          for e in ["", "US", "Zürich"] {
            #expect(r.format(year: y, month: m, entity: e, sequence: n) == plain(r, y, m, e, n))
          }
        }
      }
    }
  }
}
