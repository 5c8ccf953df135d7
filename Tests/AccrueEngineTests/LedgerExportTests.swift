import AccrueCore
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueTestSupport
import Foundation
import Testing

/// The ledger read back for other systems and for people: the export's tables (exact decimals, stable order,
/// every JSON Lines row valid against the JSON Schema files in docs/schema/ledger-export/) and a customer's
/// statement of account, on a small ledger written with LedgerStore whose figures are worked out by hand.
@Suite("Ledger export and statement")
struct LedgerExportTests {
  static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let schemaFolder = repoRoot.appendingPathComponent("docs/schema/ledger-export")
  static func day(_ s: String) -> CivilDate { CivilDate.parse(s)! }
  static func f(_ s: String) -> Fixed { Fixed(s)! }

  static func document(
    _ key: String, number: String, customer: String, currency: Currency, total: String, issue: String, due: String,
    kind: LedgerInvoice.Kind = .invoice, lines: [InvoiceLine] = [], taxes: [InvoiceTax] = [], subtotal: String? = nil
  ) -> PlannedInvoice {
    var i = PlannedInvoice(
      key: key, contractID: kind == .invoice ? "k-" + customer : "", customerID: customer, customerName: customer, plan: "team",
      currency: currency, issueDate: day(issue), periodStart: day(issue), periodEnd: day(issue).adding(days: 30)!, lines: lines,
      subtotal: f(subtotal ?? total), taxes: taxes, total: f(total), dueDate: day(due), terms: kind == .invoice ? .net(.days(30)) : .dueOnReceipt,
      installments: [], sources: [])
    i.number = number
    i.kind = kind
    return i
  }

  static func payment(
    _ id: String, customer: String, date: String, currency: Currency, amount: String, credit: String = "0", status: CashStatus = .applied,
    _ settlements: [(invoice: String, applied: String, writtenOff: String, discount: String)]
  ) -> JournalItem {
    let s = settlements.map { x -> PostedPayment.Settlement in
      let settled = f(x.applied).adding(f(x.writtenOff))!.adding(f(x.discount))!
      var s = PostedPayment.Settlement(invoice: x.invoice, settled: settled, paidBefore: .zero, places: currency.minorUnits)
      s.writtenOff = f(x.writtenOff)
      s.discount = f(x.discount)
      return s
    }
    var p = PostedPayment(key: "payment:" + id, date: day(date), customer: customer, rule: "invoice_number", status: status, settlements: s)
    p.amount = Money(amount: f(amount), currency: currency)
    p.credit = f(credit)
    return .cashApplication(p)
  }

  /// Two runs. Run 1 (2026-11-01) issues NW-2026-00001 to c1 (100.00 USD + 19% VAT = 119.00), NW-2026-00002 to c1
  /// (50.00 EUR) and NW-2026-00003 to c2 (200.00 USD). Run 2 (2026-12-01) applies p1 (c1, 2026-11-20: 100.00
  /// applied, 4.00 written off, 6.00 discount on NW-2026-00001), p2 (c1, 2026-11-25: 80.00 EUR, 50.00 on
  /// NW-2026-00002 and 30.00 on account) and p3 (c1, 2026-11-28: 40.00 USD on INV-OLD-7, an invoice Accrue did not
  /// issue), sends a reminder on NW-2026-00001 whose step charges a 15.00 USD late fee, and bills that fee on the
  /// debit note NWD-2026-00001; p4 (c2, 25.00 USD, held) is returned by r4 (MD06) before anything applied it.
  static func sampleLedger() throws -> String {
    let dir = TemporaryPaths.make("ledger-export")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let store = try LedgerStore.open(stateDir: dir)
    let rule = RuleRef(file: "rules/plans.accrue", line: 12, column: 3)
    let seats = InvoiceLine(
      description: "Seats: 10 x 10.00 USD", kind: .charge, charge: "seats", quantity: f("10"), unitPrice: f("10.00"), amount: f("100.00"),
      periodStart: day("2026-11-01"), periodEnd: day("2026-12-01"), rule: rule, explanation: [])
    let vat = InvoiceTax(label: "VAT 19%", rate: f("0.19"), inclusive: false, amount: f("19.00"), rule: rule)
    let docs1 = [
      document(
        "k1/2026-11-01", number: "NW-2026-00001", customer: "c1", currency: .USD, total: "119.00", issue: "2026-11-01", due: "2026-12-01",
        lines: [seats], taxes: [vat], subtotal: "100.00"),
      document("k2/2026-11-01", number: "NW-2026-00002", customer: "c1", currency: .EUR, total: "50.00", issue: "2026-11-01", due: "2026-12-01"),
      document("k3/2026-11-01", number: "NW-2026-00003", customer: "c2", currency: .USD, total: "200.00", issue: "2026-11-01", due: "2026-12-01"),
    ]
    var run1 = LedgerRecord(
      run: 1, asOf: day("2026-11-01"), folder: "run-0001-2026-11-01",
      items: docs1.map { .invoice(IssuedInvoice(key: $0.key, date: day("2026-11-01"), customer: $0.customerID)) }, documents: docs1,
      numbers: [("invoice/2026", 1, "k1/2026-11-01"), ("invoice/2026", 2, "k2/2026-11-01"), ("invoice/2026", 3, "k3/2026-11-01")],
      recordedAt: "2026-11-01T08:00:00Z")
    run1.journalEntries = [sampleEntry()]
    try store.record(run1, expectedLast: 0)
    let feeLine = InvoiceLine(
      description: "Late fee on NW-2026-00001", kind: .fee, charge: nil, amount: f("15.00"), periodStart: day("2026-12-01"),
      periodEnd: day("2026-12-01"), rule: rule, explanation: [])
    let note = document(
      "fees:c1/2026-12-01/USD", number: "NWD-2026-00001", customer: "c1", currency: .USD, total: "15.00", issue: "2026-12-01",
      due: "2026-12-01", kind: .debitNote, lines: [feeLine])
    let reminder = SentReminder(
      key: "NW-2026-00001/standard/second", date: day("2026-12-01"), customer: "c1", cadence: "standard", step: "second",
      invoices: ["NW-2026-00001"])
    let fee = LedgerFee(
      key: "NW-2026-00001/standard/second#late_fee", kind: .lateFee, date: day("2026-12-01"), customer: "c1", invoice: "NW-2026-00001",
      reminder: reminder.key, rule: "rules/dunning.accrue:20", amount: f("15.00"), currency: .USD, billedOn: nil, run: 2)
    let items: [JournalItem] = [
      payment("p1", customer: "c1", date: "2026-11-20", currency: .USD, amount: "100.00", [("NW-2026-00001", "100.00", "4.00", "6.00")]),
      payment("p2", customer: "c1", date: "2026-11-25", currency: .EUR, amount: "80.00", credit: "30.00", [("NW-2026-00002", "50.00", "0", "0")]),
      payment("p3", customer: "c1", date: "2026-11-28", currency: .USD, amount: "40.00", [("INV-OLD-7", "40.00", "0", "0")]),
      .reminder(reminder),
      .invoice(IssuedInvoice(key: note.key, date: day("2026-12-01"), customer: "c1")),
      payment("p4", customer: "c2", date: "2026-11-26", currency: .USD, amount: "25.00", status: .exception, []),
      .paymentReturn(
        PaymentReturn(
          key: "payment:r4", original: "payment:p4", date: day("2026-11-29"), customer: "c2", amount: Money(amount: f("25.00"), currency: .USD),
          reason: "MD06", source: "statements/nov.xml:40", reversed: false)),
      .payout(
        RecordedPayout(
          key: "payout:stripe:po_1", payout: "payout:stripe:po_1", credit: "payment:b9", processor: "stripe", date: day("2026-11-30"),
          net: Money(amount: f("870.70"), currency: .USD), charges: f("1000.00"), refunds: f("100.00"), fees: f("29.30"),
          source: "payments.csv:4")),
    ]
    let run2 = LedgerRecord(
      run: 2, asOf: day("2026-12-01"), folder: "run-0002-2026-12-01", items: items, documents: [note], fees: [fee],
      feeBillings: [(fee.key, note.key)], numbers: [("debit_note/2026", 1, note.key)], recordedAt: "2026-12-01T08:00:00Z")
    try store.record(run2, expectedLast: 1)
    // Run 3: a person refunds the held p4 (a decision: its posting p4@2 replaces p4); run 4: c1 disputes 20.00 of
    // NW-2026-00002.
    var refund = PostedPayment(
      key: "payment:p4@2", date: day("2026-11-26"), customer: "c2", rule: "decision", status: .applied, settlements: [])
    refund.amount = Money(amount: f("25.00"), currency: .USD)
    refund.refunded = f("25.00")
    refund.supersedes = "payment:p4"
    var run3 = LedgerRecord(run: 3, asOf: day("2026-12-02"), folder: "decision-0003-2026-12-02", items: [.cashApplication(refund)], recordedAt: "2026-12-02T09:00:00Z")
    run3.decision = Decision(
      kind: .refund, subject: "payment:p4", by: "ann", note: "paid twice", summary: "refunded 25.00 USD to the payer", customer: "c2", askedBy: "queue cash-apps")
    try store.record(run3, expectedLast: 2)
    var run4 = LedgerRecord(run: 4, asOf: day("2026-12-02"), folder: "decision-0004-2026-12-02", items: [], recordedAt: "2026-12-02T09:05:00Z")
    run4.decision = Decision(kind: .dispute, subject: "NW-2026-00002", by: "ann", note: "", summary: "20.00 EUR disputed", customer: "c1", askedBy: "")
    run4.hold = CollectionHold(kind: .dispute, customer: "c1", invoice: "NW-2026-00002", amount: Money(amount: f("20.00"), currency: .EUR), state: "open")
    try store.record(run4, expectedLast: 3)
    return dir
  }

  static func table(_ e: LedgerExport, _ name: String) -> LedgerExportTable { e.tables.first { $0.name == name }! }

  /// The journal entry of k1: receivable 119.00 against revenue 100.00 and VAT 19.00.
  static func sampleEntry() -> JournalEntry {
    let dims = [GLDimension(name: "entity", value: "US"), GLDimension(name: "segment", value: "smb")]
    let rule = RuleRef(file: "rules/posting.accrue", line: 19)
    var e = JournalEntry(event: "invoice:k1/2026-11-01", document: "NW-2026-00001", date: day("2026-11-01"), entity: "US", currency: .USD, customer: "c1")
    let ar = GLLine(account: "1200", dimensions: dims, memo: "Seats", rule: rule)
    e.post(f("100.00"), debit: ar, credit: GLLine(account: "4000", dimensions: dims, memo: "Seats", rule: rule, obligation: "k1/2026-11-01#1"))
    e.post(f("19.00"), debit: GLLine(account: "1200", dimensions: dims, memo: "VAT 19%", rule: rule), credit: GLLine(account: "2200", dimensions: dims, memo: "VAT 19%", rule: rule))
    return e
  }

  @Test("the export's tables: exact decimals, empty cells where nothing is recorded, rows by run then place")
  func tables() throws {
    let dir = try Self.sampleLedger()
    let e = try LedgerStore.openForReading(stateDir: dir).export()
    #expect(e.tables.map(\.name) == [
      "invoices", "invoice_lines", "invoice_taxes", "credit_notes", "payments", "applications", "payment_returns", "processor_payouts",
      "payment_revisions", "fees", "reminders", "decisions", "collection_holds", "journal_lines", "runs",
    ])
    #expect(e.lastRun == 4 && e.asOf == Self.day("2026-12-02") && e.ledgerSchemaVersion == 13)
    // The entry's lines as posted: the receivable's two debits added up into one (memo emptied), each with its rule.
    let lines = Self.table(e, "journal_lines").rows
    #expect(lines.map { [$0[7], $0[8], $0[9], $0[10], $0[14]] } == [
      [.integer(1), .text("1200"), .decimal("119.00"), .decimal("0.00"), .null],
      [.integer(2), .text("4000"), .decimal("0.00"), .decimal("100.00"), .text("k1/2026-11-01#1")],
      [.integer(3), .text("2200"), .decimal("0.00"), .decimal("19.00"), .null],
    ])
    #expect(lines[0][11] == .text(#"{"entity":"US","segment":"smb"}"#) && lines[0][12] == .text("") && lines[1][13] == .text("rules/posting.accrue:19"))
    #expect(Self.table(e, "payment_returns").rows == [
      [.text("r4"), .text("p4"), .date("2026-11-29"), .text("c2"), .text("USD"), .decimal("25.00"), .text("MD06"), .boolean(false),
       .text("statements/nov.xml:40"), .integer(2)]
    ])
    #expect(Self.table(e, "processor_payouts").rows == [
      [.text("b9"), .text("payout:stripe:po_1"), .text("stripe"), .date("2026-11-30"), .text("USD"), .decimal("870.70"), .decimal("1000.00"),
       .decimal("100.00"), .decimal("29.30"), .text("payments.csv:4"), .integer(2)]
    ])
    let invoices = Self.table(e, "invoices")
    #expect(invoices.rows.map { $0[1] } == [.text("NW-2026-00001"), .text("NW-2026-00002"), .text("NW-2026-00003"), .text("NWD-2026-00001")])
    #expect(invoices.rows[0][11...13] == [.decimal("100.00"), .decimal("19.00"), .decimal("119.00")])
    #expect(invoices.rows[3][2] == .text("debit_note") && invoices.rows[3][4] == .text(""))
    #expect(Self.table(e, "invoice_taxes").rows == [
      [.text("k1/2026-11-01"), .text("NW-2026-00001"), .integer(1), .text("VAT 19%"), .decimal("0.19"), .boolean(false), .decimal("19.00"),
       .text("USD"), .text("rules/plans.accrue:12")]
    ])
    let applications = Self.table(e, "applications")
    #expect(applications.rows.map { $0[0] } == [.text("p1"), .text("p2"), .text("p3")])
    // settled = applied + written off + discount; an invoice Accrue did not issue has no document.
    #expect(applications.rows[0][3...8] == [.text("k1/2026-11-01"), .text("USD"), .decimal("110.00"), .decimal("100.00"), .decimal("4.00"), .decimal("6.00")])
    #expect(applications.rows[2][3] == .null)
    #expect(Self.table(e, "payments").rows[1][6...10] == [.text("EUR"), .decimal("80.00"), .decimal("30.00"), .decimal("0.00"), .decimal("0.00")])
    let fees = Self.table(e, "fees").rows
    #expect(fees.count == 1 && fees[0][10...12] == [.text("fees:c1/2026-12-01/USD"), .text("NWD-2026-00001"), .integer(2)])
    #expect(Self.table(e, "reminders").rows[0][6] == .list(["NW-2026-00001"]))
    #expect(Self.table(e, "runs").rows.map { $0[0] } == [.integer(1), .integer(2), .integer(3), .integer(4)])
    #expect(Self.table(e, "payment_revisions").rows == [[.text("p4@2"), .text("p4"), .text("USD"), .decimal("25.00"), .integer(3)]])
    #expect(Self.table(e, "decisions").rows.map { [$0[0], $0[3], $0[6]] } == [[.integer(3), .text("refund"), .text("ann")], [.integer(4), .text("dispute"), .text("ann")]])
    #expect(Self.table(e, "collection_holds").rows == [
      [.integer(4), .text("dispute"), .text("c1"), .text("NW-2026-00002"), .text("EUR"), .decimal("20.00"), .null, .null, .text("open"), .null]
    ])
  }

  @Test("every JSON Lines row of the sample ledger holds its schema's required keys, no other, each of its type")
  func rowsMatchTheSchemaFiles() throws {
    let e = try LedgerStore.openForReading(stateDir: try Self.sampleLedger()).export()
    for t in e.tables {
      let schema = try Self.schemaFile(t.name)
      let text = LedgerRenderer.jsonl(t)
      let lines = text.split(separator: "\n")
      #expect(lines.count == t.rows.count)
      // (Credit notes are issued by a person's decision: CreditNoteCommandTests checks their rows against the schema.)
      #expect(!lines.isEmpty || t.name == "credit_notes", "the sample ledger has rows in \(t.name)")
      for line in lines {
        let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Self.violations(row, schema).isEmpty, "\(t.name): \(Self.violations(row, schema)) in \(line)")
      }
    }
  }

  @Test("the checker catches what it is for: a missing key, an extra key, a number for an amount, a bad date")
  func checkerCatches() throws {
    let schema = try Self.schemaFile("runs")
    let good: [String: Any] = ["run": 1, "as_of": "2026-11-01", "folder": "run-0001-2026-11-01", "items": 3, "recorded_at": "x"]
    #expect(Self.violations(good, schema).isEmpty)
    var bad = good
    bad["run"] = nil
    bad["extra"] = 1
    bad["as_of"] = "01/11/2026"
    bad["items"] = "3"
    #expect(Self.violations(bad, schema).count == 4)
    let amounts = try Self.schemaFile("payments")
    let row: [String: Any] = [
      "payment": "p", "kind": "payment", "date": "2026-11-01", "customer": NSNull(), "status": "applied", "rule": "r", "currency": "USD", "amount": 12.5,
      "credit": "0.00", "written_off": "0.00", "unapplied": "1e3", "run": 1,
    ]
    #expect(Self.violations(row, amounts).count == 2)
  }

  @Test("the JSON Schema files are the export's layouts: $id, version, every column with its type and meaning")
  func schemaFilesAreTheLayouts() throws {
    let record = ProcessInfo.processInfo.environment["RECORD_SCHEMA"] == "1"
    if record { try FileManager.default.createDirectory(at: Self.schemaFolder, withIntermediateDirectories: true) }
    for t in LedgerExport.layouts {
      let expected = LedgerRenderer.schema(t, version: LedgerExport.version).serialized(pretty: true) + "\n"
      let url = Self.schemaFolder.appendingPathComponent("\(t.name).schema.json")
      if record { try expected.write(to: url, atomically: true, encoding: .utf8) }
      let actual = try String(contentsOf: url, encoding: .utf8)
      #expect(actual == expected, "\(url.path) differs from the export's layout: re-record with RECORD_SCHEMA=1 swift test --filter LedgerExportTests")
      let schema = try Self.schemaFile(t.name)
      #expect(schema["$id"] as? String == "urn:accrue:ledger-export:1:\(t.name)" && schema["version"] as? Int == 1)
      let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
      #expect(t.columns.allSatisfy { !((properties[$0.name]?["description"] as? String) ?? "").isEmpty })
    }
  }

  @Test("statement of c1 worked by hand: invoices, payment, write-off, discount, fee charged then billed, credit on account")
  func statementByHand() throws {
    let reader = try LedgerStore.openForReading(stateDir: try Self.sampleLedger())
    let s = try #require(try reader.statement(customer: "c1", asOf: nil))
    #expect(s.sections.map(\.currency.code) == ["EUR", "USD"])
    let eur = s.sections[0]
    #expect(eur.entries.map(\.kind) == [.invoice, .payment, .creditOnAccount])
    #expect(eur.entries.map(\.balance) == ["50.00", "0.00", "-30.00"].map(Self.f))
    #expect(eur.openBalance == .zero && eur.creditOnAccount == Self.f("30.00") && eur.balanceDue == Self.f("-30.00"))
    let usd = s.sections[1]
    // 119.00 - 100.00 - 4.00 - 6.00 = 9.00; p3 is a memo; + 15.00 fee = 24.00; the debit note + 15.00 = 39.00, and
    // the fee it bills moves onto it (- 15.00) = 24.00 = 119.00 + 15.00 - 100.00 - 4.00 - 6.00.
    #expect(usd.entries.map(\.kind) == [.invoice, .payment, .writeOff, .discount, .paymentElsewhere, .fee, .debitNote, .feeBilled])
    #expect(usd.entries.map(\.balance) == ["119.00", "19.00", "15.00", "9.00", "9.00", "24.00", "39.00", "24.00"].map(Self.f))
    #expect(usd.entries.map(\.effect) == [.debit, .credit, .credit, .credit, .memo, .debit, .debit, .credit])
    #expect(usd.openBalance == Self.f("24.00") && usd.creditOnAccount == .zero && usd.balanceDue == Self.f("24.00"))
    #expect(usd.entries[0].reference == "NW-2026-00001" && usd.entries[1].reference == "p1" && usd.entries[1].document == "NW-2026-00001")
  }

  @Test("credit on account used on one of the customer's documents: the document and the credit go down together, the balance due stays")
  func creditUsedOnOwnDocument() throws {
    let dir = try Self.sampleLedger()
    let store = try LedgerStore.open(stateDir: dir)
    let doc = Self.document(
      "k2/2026-12-15", number: "NW-2026-00004", customer: "c1", currency: .EUR, total: "20.00", issue: "2026-12-15", due: "2027-01-14")
    let use = Self.payment("credit:c1/EUR/2026-12-15", customer: "c1", date: "2026-12-15", currency: .EUR, amount: "20.00", [("NW-2026-00004", "20.00", "0", "0")])
    try store.record(
      LedgerRecord(
        run: 5, asOf: Self.day("2026-12-15"), folder: "run-0005-2026-12-15",
        items: [.invoice(IssuedInvoice(key: doc.key, date: Self.day("2026-12-15"), customer: "c1")), use], documents: [doc],
        numbers: [("invoice/2026", 4, doc.key)], recordedAt: "2026-12-15T08:00:00Z"),
      expectedLast: 4)
    let eur = try #require(try LedgerStore.openForReading(stateDir: dir).statement(customer: "c1", asOf: nil)?.sections.first)
    // 50.00, 0.00, -30.00 (30.00 on account), + 20.00 = -10.00, credit used on it - 20.00 = -30.00, taken off the
    // account + 20.00 = -10.00: open 50.00 + 20.00 - 50.00 - 20.00 = 0.00, credit 30.00 - 20.00 = 10.00, due -10.00.
    #expect(eur.entries.map(\.kind) == [.invoice, .payment, .creditOnAccount, .invoice, .creditUsed, .creditTaken])
    #expect(eur.entries.map(\.balance) == ["50.00", "0.00", "-30.00", "-10.00", "-30.00", "-10.00"].map(Self.f))
    #expect(eur.openBalance == .zero && eur.creditOnAccount == Self.f("10.00") && eur.balanceDue == Self.f("-10.00"))
    let payments = Self.table(try LedgerStore.openForReading(stateDir: dir).export(), "payments").rows
    #expect(payments.map { $0[1] } == [.text("payment"), .text("payment"), .text("payment"), .text("payment"), .text("payment"), .text("credit_use")])
  }

  @Test("--as-of leaves out what is dated after it; an unknown customer is nil; the customers are listed")
  func statementAsOf() throws {
    let reader = try LedgerStore.openForReading(stateDir: try Self.sampleLedger())
    let s = try #require(try reader.statement(customer: "c1", asOf: Self.day("2026-11-20")))
    #expect(s.sections.map { $0.entries.count } == [1, 4])
    #expect(s.sections[1].balanceDue == Self.f("9.00") && s.sections[0].balanceDue == Self.f("50.00"))
    #expect(try reader.statement(customer: "c1", asOf: Self.day("2026-10-31"))?.sections.isEmpty == true)
    #expect(try reader.statement(customer: "c9", asOf: nil) == nil)
    #expect(try reader.customers() == ["c1", "c2"])
  }

  @Test("a ledger migrated from a journal file: payments without currency or amount export as empty, still valid rows")
  func migratedJournal() throws {
    let dir = TemporaryPaths.make("ledger-export")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var s = PostedPayment.Settlement(invoice: "INV-9", settled: Self.f("12.50"), paidBefore: .zero, places: 2)
    s.writtenOff = .zero
    let p = PostedPayment(key: "payment:old-1", date: Self.day("2026-10-05"), customer: "c1", rule: "r", status: .applied, settlements: [s])
    let items: [JournalItem] = [.invoice(IssuedInvoice(key: "k1/2026-10-01", date: Self.day("2026-10-01"), customer: "c1")), .cashApplication(p)]
    let bytes = Journal.encode(run: 1, asOf: Self.day("2026-10-05"), folder: "run-0001-2026-10-05", items: items)
    #expect(FileManager.default.createFile(atPath: dir + "/journal.log", contents: Data(bytes)))
    // Until an apply migrates it, the commands say so; LedgerStore.open is what apply does first.
    #expect(throws: JournalError.self) { try LedgerStore.openForReading(stateDir: dir) }
    _ = try LedgerStore.open(stateDir: dir)
    let reader = try LedgerStore.openForReading(stateDir: dir)
    let e = try reader.export()
    let payments = Self.table(e, "payments").rows
    #expect(payments.count == 1 && payments[0][1] == .text("payment") && payments[0][6] == .null && payments[0][7] == .null && payments[0][8] == .decimal("0"))
    let applications = Self.table(e, "applications").rows
    #expect(applications.count == 1 && applications[0][4] == .null && applications[0][5] == .decimal("12.50"))
    #expect(Self.table(e, "runs").rows[0][4] == .text("migrated"))
    for t in e.tables {
      for line in LedgerRenderer.jsonl(t).split(separator: "\n") {
        let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Self.violations(row, try Self.schemaFile(t.name)).isEmpty, "\(t.name): \(line)")
      }
    }
    // The statement has no document (the journal did not record them) and no amount for the payment: nothing to show.
    #expect(try reader.statement(customer: "c1", asOf: nil)?.sections.isEmpty == true)
  }

  // MARK: helpers

  static func schemaFile(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: schemaFolder.appendingPathComponent("\(name).schema.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// What a row breaks of its schema (hand-written: required keys, additionalProperties false, each property's
  /// type or types, a string's pattern, an array's items' type).
  static func violations(_ row: [String: Any], _ schema: [String: Any]) -> [String] {
    var out: [String] = []
    let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
    for key in schema["required"] as? [String] ?? [] where row[key] == nil { out.append("missing \(key)") }
    if schema["additionalProperties"] as? Bool == false {
      for key in row.keys where properties[key] == nil { out.append("extra key \(key)") }
    }
    for (key, value) in row {
      guard let p = properties[key] else { continue }
      let types = (p["type"] as? [String]) ?? [(p["type"] as? String) ?? ""]
      guard types.contains(where: { isOfType(value, $0) }) else {
        out.append("\(key) is not \(types.joined(separator: " or "))")
        continue
      }
      if let s = value as? String, let pattern = p["pattern"] as? String, s.range(of: pattern, options: .regularExpression) == nil {
        out.append("\(key) '\(s)' does not match \(pattern)")
      }
      if let a = value as? [Any], let item = (p["items"] as? [String: Any])?["type"] as? String, !a.allSatisfy({ isOfType($0, item) }) {
        out.append("\(key) has an item that is not \(item)")
      }
    }
    return out
  }

  static func isOfType(_ v: Any, _ type: String) -> Bool {
    switch type {
    case "null": return v is NSNull
    case "string": return v is String
    case "array": return v is [Any]
    case "boolean", "integer":
      guard let n = v as? NSNumber else { return false }
      // JSONSerialization reads true and false as a boolean NSNumber, 1.5 as a double ("d"), 1 as an integer.
      let isBool = String(describing: Swift.type(of: n)).contains("Boolean")
      let isFloat = ["d", "f"].contains(String(cString: n.objCType))
      return type == "boolean" ? isBool : !isBool && !isFloat
    default: return false
    }
  }
}
