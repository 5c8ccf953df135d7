import AccrueCLI
import AccrueLedger
import AccrueModel
import AccrueTestSupport
import Foundation
import Testing

/// A direct debit or transfer the bank returns: linked to the payment it returns, that payment not applied (same
/// run) or its application reversed (an earlier run: the invoice reopens, the exceptions say why, the ledger
/// records the return once, dunning sees the invoice again).
@Suite("Returned payments, end to end")
struct ReturnStoryTests {
  static let rules = """
    currency EUR

    cadence standard "Standard" {
      currency EUR
      step first "First reminder" 7 days after due {
        send email "overdue-1"
      }
    }

    match by_number "Invoice number in the text" {
      currency EUR
      reference pattern /INV-[0-9]+/ in remittance
      candidates open invoices of any customer, same currency
      allocate exact single
      on overpayment beyond tolerance: credit on account
      confidence auto
    }

    """

  /// A credit of 1,200.00 EUR for INV-1 (end-to-end id E2E-1), booked 2026-11-20.
  static let november = """
    :20:STARTUMS
    :25:10020030/1234567890
    :28C:00045/001
    :60F:C261101EUR5000,00
    :61:2611201120C1200,00NTRFNONREF//BANK-81
    :86:166?00SEPA-UEBERWEISUNG?20EREF+E2E-1?21SVWZ+INV-1?31DE12500105170648489890?32Kaffeeroesterei Bohn GmbH
    :62F:C261120EUR6200,00
    -

    """

  /// Its return on 2026-11-28 (GVC 159, AC04), quoting the same end-to-end id; `amount` to make one that links nothing.
  static func returned(_ amount: String = "1200,00") -> String {
    """
    :20:STARTUMS
    :25:10020030/1234567890
    :28C:00046/001
    :60F:C261120EUR6200,00
    :61:2611281128D\(amount)NRTIKREF+//BANK-92
    :86:159?00RETOURE?20EREF+E2E-1?22SVWZ+RETOURE AC04 KONTO ERLOSCHEN?31DE12500105170648489890?32Kaffeeroesterei Bohn GmbH
    :62F:C261128EUR5000,00
    -

    """
  }

  /// A rules file and a data folder (one customer, INV-1 of 1,200.00 EUR due 2026-11-15) with the statements given.
  static func folder(
    _ name: String, statements: [String: String], rules: String = rules,
    invoices: String = "INV-1,c1,,2026-11-01,2026-11-15,EUR,1200.00,open\n"
  ) throws -> String {
    let base = TemporaryPaths.make(name)
    let fm = FileManager.default
    try fm.createDirectory(atPath: base + "/data/statements", withIntermediateDirectories: true)
    try rules.write(toFile: base + "/rules.accrue", atomically: true, encoding: .utf8)
    try "id,name,email\nc1,Kaffeeroesterei Bohn GmbH,ap@bohn.example\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try ("id,customer,contract,issue_date,due_date,currency,amount,status\n" + invoices)
      .write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    for (file, text) in statements { try text.write(toFile: base + "/data/statements/" + file, atomically: true, encoding: .utf8) }
    return base
  }

  static func apply(_ base: String, _ date: String) -> (Int32, String, String) {
    CLITests.run([
      "apply", "--rules", base + "/rules.accrue", "--data", base + "/data", "--as-of", date, "--state", base + "/state", "--out", base + "/out",
    ])
  }

  static func rows(_ path: String) throws -> [[String: String]] { try LedgerStoryTests.rows(path) }

  @Test("a return in the same run as its original: the original is not applied, both wait in the returns queue, the pair is recorded")
  func sameRun() throws {
    let base = try Self.folder("returns-same-run", statements: ["nov.sta": Self.november, "dec.sta": Self.returned()])
    let (status, out, err) = Self.apply(base, "2026-11-30")
    try #require(status == 0, "\(err)")
    #expect(out.contains("2 payments: 0 applied automatically"))
    let held = try Self.rows(base + "/out/run-0001-2026-11-30/exceptions.csv")
    #expect(held.map { $0["queue"]! } == ["returns", "returns"])
    let original = try #require(held.first { $0["amount"] == "1200.00" })
    let back = try #require(held.first { $0["amount"] == "-1200.00" })
    #expect(original["reason"] == "returned on 2026-11-28 by payment \(back["payment"]!) (AC04 account closed): not applied")
    #expect(back["reason"] == "returns payment \(original["payment"]!) of 1,200.00 EUR booked on 2026-11-20 (AC04 account closed), which this run does not apply; linked by its end-to-end id E2E-1")
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.paymentReturns.map { "\($0.key) \($0.original) \($0.reversed) \($0.reason)" } == ["\(back["key"]!) \(original["key"]!) false AC04"])
    // Nothing was applied, so nothing reopens: the invoice was never closed, and it is dunned as any open invoice.
    #expect(journal.reversedPayments().isEmpty)
  }

  @Test("a return of a payment an earlier apply applied: the invoice reopens, the exceptions say why, recorded once, dunned next run")
  func earlierRun() throws {
    let base = try Self.folder("returns-earlier-run", statements: ["nov.sta": Self.november])
    let (s1, o1, e1) = Self.apply(base, "2026-11-25")
    try #require(s1 == 0, "\(e1)")
    #expect(o1.contains("1 payment: 1 applied automatically in full"))
    try Self.returned().write(toFile: base + "/data/statements/dec.sta", atomically: true, encoding: .utf8)
    let original = try #require(try Self.rows(base + "/out/run-0001-2026-11-25/cash_applications.csv").first)
    // Planned before it is applied (the ledger read): --explain on the return says what it returns and why.
    let (_, listed, _) = CLITests.run([
      "plan", "--rules", base + "/rules.accrue", "--data", base + "/data", "--as-of", "2026-11-30", "--state", base + "/state",
      "--only", "matches",
    ])
    // The only payment of the plan: the return (the original is recorded).
    let keys = listed.components(separatedBy: "\n").filter { $0.hasPrefix("+ match ") }.map { String($0.dropFirst("+ match ".count)) }
    try #require(keys.count == 1)
    let back = keys[0]
    let (_, explained, _) = CLITests.run([
      "plan", "--rules", base + "/rules.accrue", "--data", base + "/data", "--as-of", "2026-11-30", "--state", base + "/state",
      "--explain", back,
    ])
    #expect(explained.contains("its application to INV-1 reversed, INV-1 open again"))
    #expect(explained.contains("returns \(original["key"]!) (AC04 account closed): its application reversed"))

    let (s2, o2, e2) = Self.apply(base, "2026-11-30")
    try #require(s2 == 0, "\(e2)")
    #expect(o2.contains("1 reminder (0 actions); 1 payment: 0 applied automatically in full (0.0%), 0 suggested, 1 exception"))
    let run2 = base + "/out/run-0002-2026-11-30/"
    let held = try Self.rows(run2 + "exceptions.csv")
    try #require(held.count == 1)
    #expect(held[0]["key"] == back)
    #expect(held[0]["queue"] == "returns" && held[0]["customer"] == "c1" && held[0]["candidates"] == "INV-1")
    #expect(held[0]["reason"] == "payment \(original["payment"]!) of 1,200.00 EUR returned on 2026-11-28 (AC04 account closed): its application to INV-1 reversed, INV-1 open again; linked by its end-to-end id E2E-1")
    let cash = try Self.rows(run2 + "cash_applications.csv")
    #expect(cash.map { "\($0["kind"]!) \($0["invoice"]!) \($0["amount"]!)" } == ["return, application reversed INV-1 -1200.00"])
    // The JSON says what it returned and why.
    let apps = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run2 + "cash_applications.json"))) as? [[String: Any]])
    let link = apps.first?["returns"] as? [String: Any]
    #expect(link?["original"] as? String == original["key"] && link?["reason_text"] as? String == "AC04 account closed" && link?["reversed"] as? Bool == true)
    // The ledger holds the return; applying again for the date changes nothing.
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.paymentReturns.map { "\($0.original) \($0.reversed) \($0.amount)" } == ["\(original["key"]!) true 1200.00 EUR"])
    let (s3, o3, _) = Self.apply(base, "2026-11-30")
    #expect(s3 == 0 && o3.hasPrefix("Nothing new as of 2026-11-30"))
    // The run that reversed it sees INV-1 open again and dunns it; the next run neither dunns it twice nor reverses
    // the payment twice.
    #expect(try Self.rows(run2 + "reminders.csv").map { $0["key"]! } == ["INV-1/standard/first"])
    let (s4, o4, e4) = Self.apply(base, "2026-12-01")
    try #require(s4 == 0, "\(e4)")
    #expect(o4.hasPrefix("Nothing new as of 2026-12-01"))
    #expect(try LedgerStore.read(stateDir: base + "/state").paymentReturns.count == 1)
    // Aging and the customer's statement agree: 1,200.00 open.
    let (_, aging, _) = CLITests.run(["report", "aging", "--data", base + "/data", "--as-of", "2026-12-01", "--state", base + "/state"])
    #expect(aging.contains("c1        Kaffeeroesterei Bohn GmbH     0.00  1,200.00"))
    let (_, shown, _) = CLITests.run(["ledger", "show", "c1", "--state", base + "/state"])
    #expect(shown.contains("Payment returned by the bank (AC04 account closed): its application to INV-1 reversed"))
  }

  @Test("a return whose original's statement is gone from the data folder: linked by the trace the ledger kept, reversed")
  func originalStatementGone() throws {
    let base = try Self.folder("returns-statement-gone", statements: ["nov.sta": Self.november])
    let (s1, _, e1) = Self.apply(base, "2026-11-25")
    try #require(s1 == 0, "\(e1)")
    let original = try #require(try Self.rows(base + "/out/run-0001-2026-11-25/cash_applications.csv").first)
    let posted = try LedgerStore.read(stateDir: base + "/state").postedPayments
    #expect(posted.map(\.trace) == [PaymentTrace(endToEndID: "E2E-1", mandateID: "", bankReference: "BANK-81", payerAccount: "DE12500105170648489890")])
    // November's statement is archived; December's holds only the return.
    try FileManager.default.removeItem(atPath: base + "/data/statements/nov.sta")
    try Self.returned().write(toFile: base + "/data/statements/dec.sta", atomically: true, encoding: .utf8)
    let (s2, _, e2) = Self.apply(base, "2026-11-30")
    try #require(s2 == 0, "\(e2)")
    let held = try Self.rows(base + "/out/run-0002-2026-11-30/exceptions.csv")
    #expect(held.map { $0["reason"]! } == [
      "payment \(original["payment"]!) of 1,200.00 EUR returned on 2026-11-28 (AC04 account closed): its application to INV-1 reversed, INV-1 open again; linked by its end-to-end id E2E-1"
    ])
    #expect(try LedgerStore.read(stateDir: base + "/state").paymentReturns.map(\.reversed) == [true])
  }

  @Test("a return that links to no payment: held in the returns queue with the reason, nothing reversed")
  func unlinked() throws {
    let base = try Self.folder("returns-unlinked", statements: ["nov.sta": Self.november])
    try #require(Self.apply(base, "2026-11-25").0 == 0)
    try Self.returned("1100,00").write(toFile: base + "/data/statements/dec.sta", atomically: true, encoding: .utf8)
    let (status, _, err) = Self.apply(base, "2026-11-30")
    try #require(status == 0, "\(err)")
    let held = try Self.rows(base + "/out/run-0002-2026-11-30/exceptions.csv")
    #expect(held.map { $0["queue"]! } == ["returns"])
    #expect(held.first?["reason"]?.hasPrefix("returns 1,100.00 EUR, but no payment of 1,100.00 EUR booked on or before 2026-11-28") == true)
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.paymentReturns.isEmpty && journal.reversedPayments().isEmpty)
    // Not resolved by hand as if it were a payment received.
    let (s3, _, e3) = CLITests.run([
      "resolve", held[0]["key"] ?? "", "--not-ours", "--rules", base + "/rules.accrue", "--data", base + "/data", "--state", base + "/state",
      "--as-of", "2026-11-30", "--by", "ann",
    ])
    #expect(s3 == 1 && e3.contains("takes money back"), "\(e3)")
  }

  @Test("a returned payment whose credit on account was used meanwhile: the credit is taken back and the customer owes it")
  func creditUsedThenReturned() throws {
    let rules = Self.rules.replacingOccurrences(of: "currency EUR\n\ncadence", with: "currency EUR\naccount credit applied oldest first\n\ncadence")
    let base = try Self.folder(
      "returns-credit", statements: ["nov.sta": Self.november], rules: rules,
      invoices: "INV-1,c1,,2026-11-01,2026-11-15,EUR,1000.00,open\nINV-2,c1,,2026-11-02,2026-11-16,EUR,200.00,open\n")
    let (s1, o1, e1) = Self.apply(base, "2026-11-25")
    try #require(s1 == 0, "\(e1)")
    #expect(o1.contains("200.00 EUR of credit on account used on 1 invoice"))
    try Self.returned().write(toFile: base + "/data/statements/dec.sta", atomically: true, encoding: .utf8)
    let (s2, _, e2) = Self.apply(base, "2026-11-30")
    try #require(s2 == 0, "\(e2)")
    let held = try Self.rows(base + "/out/run-0002-2026-11-30/exceptions.csv")
    #expect(held.first?["reason"]?.contains("its application to INV-1 reversed, INV-1 open again; the credit of 200.00 EUR it left on account taken back") == true)
    // INV-2 stays paid by the credit; the customer owes INV-1 and the 200.00 used: 1,200.00.
    let (_, aging, _) = CLITests.run(["report", "aging", "--data", base + "/data", "--as-of", "2026-12-01", "--state", base + "/state"])
    #expect(aging.contains("1,000.00      0.00  -200.00     1,200.00"))
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  /// Oldest first, partial payments allowed (INV-1 of 100.00 EUR paid in parts), and a second reminder 21 days
  /// after due that says what is open.
  static let partRules = rules.replacingOccurrences(of: "allocate exact single", with: "allocate oldest first")
    .replacingOccurrences(
      of: "    send email \"overdue-1\"\n  }\n", with: "    send email \"overdue-1\"\n  }\n  step second \"Second reminder\" 21 days after due {\n    send email \"overdue-2\"\n  }\n")

  /// An MT940 statement (sequence `n`) of `entries` (each a `:61:` line's amount part and its `:86:` text),
  /// opening at zero and closing at `closing` (their sum).
  static func statement(_ n: Int, _ entries: [(line: String, text: String)], closing: String = "0,00") -> String {
    var s = ":20:STARTUMS\n:25:10020030/1234567890\n:28C:\(n)/001\n:60F:C261101EUR0,00\n"
    for e in entries { s += ":61:\(e.line)\n:86:\(e.text)\n" }
    let sign = closing.hasPrefix("-") ? "D" : "C"
    return s + ":62F:\(sign)261231EUR\(closing.hasPrefix("-") ? String(closing.dropFirst()) : closing)\n-\n"
  }

  static func credit(_ date: String, _ amount: String, e2e: String, ref: String, text: String = "INV-1") -> (line: String, text: String) {
    ("\(date)\(date.suffix(4))C\(amount)NTRFNONREF//\(ref)", "166?00SEPA-UEBERWEISUNG?20EREF+\(e2e)?21SVWZ+\(text)?31DE12500105170648489890?32Kaffeeroesterei Bohn GmbH")
  }

  static func returnOf(_ date: String, _ amount: String, e2e: String, ref: String) -> (line: String, text: String) {
    ("\(date)\(date.suffix(4))D\(amount)NRTIKREF+//\(ref)", "159?00RETOURE?20EREF+\(e2e)?22SVWZ+RETOURE AC04?31DE12500105170648489890?32Kaffeeroesterei Bohn GmbH")
  }

  /// The open balance the plan's second reminder of INV-1 states as of `date`, or what the plan said instead.
  static func openOnPlan(_ base: String, _ date: String) throws -> String {
    let (status, out, err) = CLITests.run([
      "plan", "--rules", base + "/rules.accrue", "--data", base + "/data", "--as-of", date, "--state", base + "/state", "--only", "reminders",
      "--format", "json",
    ])
    try #require(status == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let reminders = (json["collections"] as? [String: Any])?["reminders"] as? [[String: Any]] ?? json["reminders"] as? [[String: Any]] ?? []
    return reminders.first { ($0["key"] as? String) == "INV-1/standard/second" }?["open_balance"] as? String ?? out
  }

  /// A folder for the stories paid in parts: INV-1 of 100.00 EUR, the rules `partRules`, one statement file.
  static func partFolder(_ name: String, _ file: String, _ statement: String) throws -> String {
    try folder(name, statements: [file: statement], rules: partRules, invoices: "INV-1,c1,,2026-11-01,2026-11-15,EUR,100.00,open\n")
  }

  static func agingTotal(_ base: String, _ date: String) throws -> String {
    let (status, out, err) = CLITests.run([
      "report", "aging", "--data", base + "/data", "--as-of", date, "--state", base + "/state", "--format", "json",
    ])
    try #require(status == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let totals = try #require(json["totals"] as? [[String: Any]])
    return "\(totals.first?["total"] ?? "none")"
  }

  @Test(
    "a payment in the same run as a return of an earlier payment sees the returned payment's invoice open again, whatever the ids",
    arguments: 1...6)
  func paymentBesideReturn(n: Int) throws {
    let base = try Self.partFolder("returns-beside-\(n)", "a.sta", Self.statement(1, [Self.credit("261120", "60,00", e2e: "E2E-A", ref: "BANK-A")], closing: "60,00"))
    try #require(Self.apply(base, "2026-11-25").0 == 0)
    try Self.statement(2, [
      Self.returnOf("261128", "60,00", e2e: "E2E-A", ref: "RET-\(n)"), Self.credit("261129", "40,00", e2e: "E2E-B\(n)", ref: "BANK-B\(n)"),
    ], closing: "-20,00").write(toFile: base + "/data/statements/b.sta", atomically: true, encoding: .utf8)
    let (s2, _, e2) = Self.apply(base, "2026-11-30")
    try #require(s2 == 0, "\(e2)")
    // B (40.00) paid part of INV-1, seen open again by 60.00 before it: paid before B is 0.00, 60.00 left open.
    let posted = try LedgerStore.read(stateDir: base + "/state").postedPayments
    let b = try #require(posted.last)
    #expect(b.settlements.map { "\($0.invoice) \($0.settled.formatted(places: 2)) \($0.paidBefore.formatted(places: 2))" } == ["INV-1 40.00 0.00"])
    #expect(try Self.openOnPlan(base, "2026-12-10") == "60.00")
    #expect(try Self.agingTotal(base, "2026-12-10") == "60.00")
  }

  @Test("aging after a return of a payment another one finished: only what the returned payment settled is open again")
  func agingAfterReturn() throws {
    let base = try Self.partFolder("returns-aging", "a.sta", Self.statement(1, [Self.credit("261110", "60,00", e2e: "E2E-A", ref: "BANK-A")], closing: "60,00"))
    try #require(Self.apply(base, "2026-11-12").0 == 0)
    try Self.statement(2, [Self.credit("261120", "40,00", e2e: "E2E-B", ref: "BANK-B")], closing: "40,00")
      .write(toFile: base + "/data/statements/b.sta", atomically: true, encoding: .utf8)
    try #require(Self.apply(base, "2026-11-22").0 == 0)
    #expect(try Self.agingTotal(base, "2026-11-22") == "0.00")
    try Self.statement(3, [Self.returnOf("261125", "60,00", e2e: "E2E-A", ref: "RET-A")], closing: "-60,00")
      .write(toFile: base + "/data/statements/c.sta", atomically: true, encoding: .utf8)
    try #require(Self.apply(base, "2026-11-26").0 == 0)
    // Before the return's run nothing was open; from it, 60.00 (B's 40.00 still counts).
    #expect(try Self.agingTotal(base, "2026-11-22") == "0.00")
    #expect(try Self.agingTotal(base, "2026-11-26") == "60.00")
    #expect(try Self.openOnPlan(base, "2026-12-10") == "60.00")
  }

  @Test("a return held because its original was not found is linked by a later run once the original's statement is there")
  func heldThenLinked() throws {
    // The original was booked before the first statement Accrue read: the return is held.
    let base = try Self.partFolder("returns-held-later", "c.sta", Self.statement(3, [Self.returnOf("261125", "60,00", e2e: "E2E-A", ref: "RET-A")], closing: "-60,00"))
    let (s1, _, e1) = Self.apply(base, "2026-11-26")
    try #require(s1 == 0, "\(e1)")
    let held = try Self.rows(base + "/out/run-0001-2026-11-26/exceptions.csv")
    #expect(held.map { $0["queue"]! } == ["returns"])
    // Nothing new: the held return is not produced again while its original is missing.
    let (s2, o2, _) = Self.apply(base, "2026-11-27")
    #expect(s2 == 0 && o2.hasPrefix("Nothing new as of 2026-11-27"))
    // The earlier statement turns up: its credit is the original, so it is not applied, and the return is linked.
    try Self.statement(1, [Self.credit("261110", "60,00", e2e: "E2E-A", ref: "BANK-A")], closing: "60,00")
      .write(toFile: base + "/data/statements/a.sta", atomically: true, encoding: .utf8)
    let (s3, _, e3) = Self.apply(base, "2026-11-28")
    try #require(s3 == 0, "\(e3)")
    let run3 = try Self.rows(base + "/out/run-0002-2026-11-28/exceptions.csv")
    #expect(run3.count == 2 && run3.allSatisfy { $0["queue"] == "returns" })
    let link = try #require(run3.first { $0["amount"] == "-60.00" })
    #expect(link["key"]?.hasPrefix("return:") == true)
    #expect(link["reason"]?.contains("an earlier run held it") == true)
    let journal = try LedgerStore.read(stateDir: base + "/state")
    #expect(journal.paymentReturns.map { "\($0.key.prefix(7)) \($0.reversed)" } == ["return: false"])
    // Once linked it is done: nothing new, and the invoice is as unpaid as before.
    let (s4, o4, _) = Self.apply(base, "2026-11-29")
    #expect(s4 == 0 && o4.hasPrefix("Nothing new as of 2026-11-29"))
    #expect(try Self.agingTotal(base, "2026-11-29") == "100.00")
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  @Test("a return whose original was never applied leaves no cash waiting in aging (same run, and an earlier run's unapplied)")
  func agingNoCashOfReturned() throws {
    let base = try Self.folder("returns-aging-same-run", statements: ["nov.sta": Self.november, "dec.sta": Self.returned()])
    try #require(Self.apply(base, "2026-11-30").0 == 0)
    let (_, aging, _) = CLITests.run(["report", "aging", "--data", base + "/data", "--as-of", "2026-11-30", "--state", base + "/state", "--format", "json"])
    #expect(aging.contains("\"total\": \"1200.00\""), "\(aging)")
    #expect(aging.contains("\"unapplied\": \"0.00\""), "\(aging)")
    // An earlier run left the original unapplied (it names no invoice); its return takes the cash away too.
    let other = try Self.partFolder(
      "returns-aging-unapplied", "a.sta", Self.statement(1, [Self.credit("261110", "60,00", e2e: "E2E-A", ref: "BANK-A", text: "hello")], closing: "60,00"))
    try #require(Self.apply(other, "2026-11-12").0 == 0)
    #expect(try Self.aging(other, "2026-11-12", "unapplied") == "-60.00" || Self.aging(other, "2026-11-12", "unapplied") == "60.00")
    try Self.statement(2, [Self.returnOf("261120", "60,00", e2e: "E2E-A", ref: "RET-A")], closing: "-60,00")
      .write(toFile: other + "/data/statements/b.sta", atomically: true, encoding: .utf8)
    try #require(Self.apply(other, "2026-11-25").0 == 0)
    #expect(try Self.aging(other, "2026-11-25", "unapplied") == "0.00")
    #expect(try Self.aging(other, "2026-11-25", "total") == "100.00")
  }

  @Test("a return reopens an invoice the invoices file shows paid on a date exported before it")
  func returnAfterPaidDate() throws {
    let base = try Self.partFolder("returns-paid-date", "a.sta", Self.statement(1, [Self.credit("261110", "100,00", e2e: "E2E-A", ref: "BANK-A")], closing: "100,00"))
    try #require(Self.apply(base, "2026-11-12").0 == 0)
    // The ERP's export: INV-1 paid in full on 2026-11-10.
    try "id,customer,contract,issue_date,due_date,currency,amount,status,paid_date\nINV-1,c1,,2026-11-01,2026-11-15,EUR,100.00,paid,2026-11-10\n"
      .write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    try Self.statement(2, [Self.returnOf("261120", "100,00", e2e: "E2E-A", ref: "RET-A")], closing: "-100,00")
      .write(toFile: base + "/data/statements/b.sta", atomically: true, encoding: .utf8)
    try #require(Self.apply(base, "2026-11-25").0 == 0)
    #expect(try Self.aging(base, "2026-11-25", "total") == "100.00")
    #expect(try Self.aging(base, "2026-11-15", "total") == "0.00")
    #expect(try Self.openOnPlan(base, "2026-12-10") == "100.00")
  }

  @Test("the run of a return dunns every invoice it reopens, also one a payment of the run pays in part")
  func returnRunDuns() throws {
    let rules = Self.partRules + """

      match by_payer "Payer by name" {
        currency EUR
        payer by name
        candidates open invoices of payer
        allocate oldest first
        on overpayment beyond tolerance: credit on account
        confidence auto
      }

      """
    let base = try Self.folder(
      "returns-dun", statements: ["a.sta": Self.statement(1, [Self.credit("261110", "250,00", e2e: "E2E-A", ref: "BANK-A", text: "Rechnungen")], closing: "250,00")],
      rules: rules, invoices: "INV-1,c1,,2026-11-01,2026-11-15,EUR,100.00,open\nINV-2,c1,,2026-11-02,2026-11-16,EUR,200.00,open\n")
    try #require(Self.apply(base, "2026-11-12").0 == 0)
    try Self.statement(2, [
      Self.returnOf("261120", "250,00", e2e: "E2E-A", ref: "RET-A"), Self.credit("261121", "120,00", e2e: "E2E-B", ref: "BANK-B", text: "INV-2"),
    ], closing: "-130,00").write(toFile: base + "/data/statements/b.sta", atomically: true, encoding: .utf8)
    let (s2, _, e2) = Self.apply(base, "2026-11-25")
    try #require(s2 == 0, "\(e2)")
    let reminders = try Self.rows(base + "/out/run-0002-2026-11-25/reminders.csv")
    #expect(Set(reminders.flatMap { ($0["invoices"] ?? "").split(separator: ";").map(String.init) }) == ["INV-1", "INV-2"], "\(reminders)")
    #expect(try Self.aging(base, "2026-11-25", "total") == "180.00")
  }

  /// One total of the aging report's JSON (EUR) as of `date`.
  static func aging(_ base: String, _ date: String, _ key: String) throws -> String {
    let (status, out, err) = CLITests.run([
      "report", "aging", "--data", base + "/data", "--as-of", date, "--state", base + "/state", "--format", "json",
    ])
    try #require(status == 0, "\(err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    let totals = try #require(json["totals"] as? [[String: Any]])
    return "\(totals.first?[key] ?? "none")"
  }
}
