import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// The aging report's figures worked by hand: as of any date, with the journal's cash, bucket limits and rounding.
enum Aging {
  static func report(
    _ invoices: String, asOf: String, options: AgingOptions = AgingOptions(), journal: Journal? = nil,
    payments: [String: AgingJournal.PaymentAmount] = [:]
  ) throws -> AgingReport {
    let dir = try Run.folder(["customers.csv": Dun.customers, "invoices.csv": invoices])
    let (customers, list, issues) = Dataset.loadReceivables(folder: dir)
    try #require(issues.isEmpty, "\(issues)")
    return AgingReport.compute(
      customers: customers, invoices: list, asOf: try #require(CivilDate.parse(asOf)), options: options,
      journal: journal.map { AgingJournal(journal: $0, payments: payments) })
  }

  static func usd(_ s: String) -> AgingJournal.PaymentAmount { AgingJournal.PaymentAmount(amount: Fixed(s)!, currency: .USD) }

  /// Every figure of a report as text, for comparing two reports.
  static func digest(_ r: AgingReport, counts: Bool = true) -> String {
    var out = "\(r.asOf) \(r.bucketNames)\n"
    for row in r.rows {
      out += "\(row.customerID) \(row.currency) \(row.amounts) \(row.total) \(row.overdue) \(row.disputed) \(row.creditNotes) "
      out += "\(row.creditOnAccount) \(row.unapplied) \(row.netBalance) \(row.invoices)\n"
      for i in row.items { out += "  \(i.kind) \(i.id) \(i.date) \(String(describing: i.daysPastDue)) \(i.amount) \(i.disputed)\n" }
    }
    for t in r.totals {
      out += "\(t.currency) \(t.amounts) \(t.total) \(t.disputed) \(t.credits) \(t.netBalance) \(t.sales) \(t.beginning) "
      out += "\(String(describing: t.dso)) \(String(describing: t.bestPossibleDSO)) \(String(describing: t.averageDaysDelinquent)) "
      out += "\(String(describing: t.cei))\n"
    }
    if counts { out += "\(r.paidWithoutDate) \(r.partPaidWithoutDate)\n" }
    return out
  }
}

@Suite("Aging report")
struct AgingTests {
  @Test("buckets, DSO, best possible DSO, average days delinquent and CEI, worked by hand")
  func figures() throws {
    // As of 2026-11-01; the 90-day window starts 2026-08-03.
    let invoices = """
      id,customer,issue_date,due_date,currency,amount,amount_paid,status,paid_date
      a,c1,2026-06-01,2026-07-01,USD,1000.00,,open,
      b,c1,2026-09-01,2026-10-01,USD,600.00,100.00,open,
      c,c2,2026-10-20,2026-11-19,USD,400.00,,open,
      d,c2,2026-07-01,2026-07-31,USD,300.00,300.00,paid,2026-08-20
      e,c2,2026-07-01,2026-07-31,USD,50.00,50.00,paid,
      v,c2,2026-10-01,2026-10-31,USD,999.00,,void,

      """
    let dir = try Run.folder(["customers.csv": Dun.customers, "invoices.csv": invoices])
    let (customers, list, issues) = Dataset.loadReceivables(folder: dir)
    #expect(issues.isEmpty, "\(issues)")
    let r = AgingReport.compute(customers: customers, invoices: list, asOf: try #require(CivilDate.parse("2026-11-01")))
    let t = try #require(r.totals.first)
    // a: 123 days past due (over 90); b: 31 days, 500 open (31-60); c: not yet due (current).
    #expect(t.amounts.map(\.description) == ["400", "0", "500", "0", "1000"])
    #expect(t.total.description == "1900")
    #expect(t.sales.description == "1000")  // b + c issued in the window
    #expect(t.beginning.description == "1300")  // a (open) + d (paid after the window started)
    #expect(t.dso?.description == "171")  // 1900 / 1000 x 90
    #expect(t.bestPossibleDSO?.description == "36")  // 400 / 1000 x 90
    #expect(t.averageDaysDelinquent?.description == "135")
    #expect(t.cei?.description == "21.1")  // (1300 + 1000 - 1900) / (1300 + 1000 - 400) = 21.05%
    #expect(r.paidWithoutDate == 1)
    // Largest overdue first: c1 has 1500 overdue, c2 nothing.
    #expect(r.rows.map(\.customerID) == ["c1", "c2"])
    #expect(r.rows.map { $0.total.description } == ["1500", "400"])
  }

  /// Paid before, on and after the as-of date, part paid and disputed, issued after it, void, a credit note, paid
  /// without a date, written off. The window of 2026-11-01 starts 2026-08-03; of 2026-09-15, 2026-06-17; of
  /// 2026-06-15, 2026-03-17.
  static let history = """
    id,kind,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,paid_date
    p1,invoice,c1,2026-09-01,2026-10-01,USD,500.00,500.00,,paid,2026-10-20
    p2,invoice,c1,2026-07-01,2026-07-31,USD,800.00,800.00,,paid,2026-11-01
    p3,invoice,c2,2026-06-01,2026-07-01,USD,1200.00,1200.00,,paid,2026-11-10
    pp,invoice,c2,2026-08-20,2026-09-19,USD,1000.00,400.00,100.00,open,
    fu,invoice,c3,2026-11-05,2026-12-05,USD,700.00,,,open,
    v,invoice,c3,2026-10-01,2026-10-31,USD,999.00,,,void,
    cn,credit_note,c1,2026-10-10,2026-10-10,USD,50.00,,,open,
    nd,invoice,c3,2026-08-10,2026-09-09,USD,300.00,300.00,,paid,
    wo,invoice,c3,2026-05-01,2026-05-31,USD,200.00,,,written_off,2026-09-30

    """

  struct Expected: Sendable, CustomTestStringConvertible {
    var asOf: String
    var buckets: [String]
    var sales: String
    var beginning: String
    var ratios: [String?]  // DSO, best possible DSO, average days delinquent, CEI
    var rows: [String]  // customer: total/overdue/disputed/credits/net
    var undated: [Int]  // paid without date, part paid without date
    var testDescription: String { asOf }
  }

  // Before the fix, E ignored paid_date (p3, paid after 2026-11-01, was not open then) and a past date saw only
  // today's open invoices: as of 2026-09-15, E was 600 instead of 3300.
  @Test(
    "every figure as of any date: paid before, on and after it, issued after it, part paid, credit note",
    arguments: [
      Expected(
        asOf: "2026-11-01", buckets: ["0", "0", "600", "0", "1200"], sales: "1800", beginning: "2200",
        // E 1800 = p3 (paid after) + pp's 600; S = p1 + pp + nd; B = p2 + p3 + wo, open at the end of 08-03.
        ratios: ["90", "0", "90", "55"], rows: ["c2: 1800/1800/100/0/1800", "c1: 0/0/0/50/-50"], undated: [1, 1]),
      Expected(
        asOf: "2026-09-15", buckets: ["1100", "0", "800", "1200", "200"], sales: "2600", beginning: "1400",
        // DSO 114.23, best 38.08, ADD 76.15 (not 114.2 - 38.1 = 76.1), CEI 700 / 2900 = 24.14.
        ratios: ["114.2", "38.1", "76.2", "24.1"], rows: ["c2: 1800/1200/100/0/1800", "c1: 1300/800/0/0/1300", "c3: 200/200/0/0/200"],
        undated: [1, 1]),
      Expected(
        asOf: "2026-06-15", buckets: ["1200", "200", "0", "0", "0"], sales: "1400", beginning: "0",
        ratios: ["90", "77.1", "12.9", "0"], rows: ["c3: 200/200/0/0/200", "c2: 1200/0/0/0/1200"], undated: [0, 0]),
    ])
  func asOfAnyDate(_ x: Expected) throws {
    let r = try Aging.report(Self.history, asOf: x.asOf)
    let t = try #require(r.totals.first)
    #expect(t.amounts.map(\.description) == x.buckets)
    #expect(t.sales.description == x.sales)
    #expect(t.beginning.description == x.beginning)
    #expect([t.dso, t.bestPossibleDSO, t.averageDaysDelinquent, t.cei].map { $0?.description } == x.ratios)
    #expect(r.rows.map { "\($0.customerID): \($0.total)/\($0.overdue)/\($0.disputed)/\($0.credits)/\($0.netBalance)" } == x.rows)
    #expect([r.paidWithoutDate, r.partPaidWithoutDate] == x.undated)
  }

  @Test("detail lines: open invoices by due date with days past due and bucket, then credit notes")
  func detail() throws {
    let r = try Aging.report(Self.history, asOf: "2026-09-15", options: AgingOptions(detail: true))
    let c1 = try #require(r.rows.first { $0.customerID == "c1" })
    #expect(c1.items.map(\.id) == ["p2", "p1"])
    #expect(c1.items.map(\.daysPastDue) == [46, -16])
    #expect(c1.items.map { $0.bucket.map { r.bucketNames[$0] } } == ["31-60", "current"])
    let later = try Aging.report(Self.history, asOf: "2026-11-01", options: AgingOptions(detail: true))
    let c2 = try #require(later.rows.first { $0.customerID == "c2" })
    #expect(c2.items.map { "\($0.id) \($0.amount) \($0.disputed)" } == ["p3 1200 0", "pp 600 100"])
    #expect(later.rows.first { $0.customerID == "c1" }?.items.map(\.kind) == [.creditNote])
    // Without detail, no items.
    #expect(try Aging.report(Self.history, asOf: "2026-11-01").rows.allSatisfy(\.items.isEmpty))
  }

  // Before the fix: average days delinquent was round(DSO) - round(best DSO) = 150.0 - 30.7 = 119.3.
  @Test("average days delinquent is (E - E_current) / S x 90 rounded once: 119.4, not 150.0 - 30.7")
  func roundedOnce() throws {
    let invoices = """
      id,customer,issue_date,due_date,currency,amount,amount_paid,status,paid_date
      r1,c1,2026-10-01,2026-11-30,USD,306.60,,open,
      r4,c1,2026-10-01,2026-10-31,USD,593.40,593.40,paid,2026-10-15
      r3,c2,2026-05-01,2026-05-31,USD,1193.80,,open,

      """
    let t = try #require(try Aging.report(invoices, asOf: "2026-11-01").totals.first)
    #expect(t.dso?.description == "150")  // 1500.40 / 900 x 90 = 150.04
    #expect(t.bestPossibleDSO?.description == "30.7")  // 30.66
    #expect(t.averageDaysDelinquent?.description == "119.4")  // 119.38
  }

  @Test(
    "--rounding: each mode applied once to the exact ratios",
    arguments: [
      (RoundingMode.halfEven, ["150", "30.6", "119.4", "33.2"]), (.halfUp, ["150", "30.7", "119.4", "33.2"]),
      (.halfDown, ["150", "30.6", "119.4", "33.2"]), (.up, ["150.1", "30.7", "119.4", "33.3"]), (.down, ["150", "30.6", "119.3", "33.2"]),
      (.ceiling, ["150.1", "30.7", "119.4", "33.3"]), (.floor, ["150", "30.6", "119.3", "33.2"]),
    ])
  func roundingModes(_ mode: RoundingMode, _ expected: [String]) throws {
    // DSO 150.03, best possible DSO 30.65 (a tie), average days delinquent 119.38, CEI 593.50 / 1787.30 = 33.2065%.
    let invoices = """
      id,customer,issue_date,due_date,currency,amount,amount_paid,status,paid_date
      r1,c1,2026-10-01,2026-11-30,USD,306.50,,open,
      r4,c1,2026-10-01,2026-10-31,USD,593.50,593.50,paid,2026-10-15
      r3,c2,2026-05-01,2026-05-31,USD,1193.80,,open,

      """
    let t = try #require(try Aging.report(invoices, asOf: "2026-11-01", options: AgingOptions(rounding: mode)).totals.first)
    #expect([t.dso, t.bestPossibleDSO, t.averageDaysDelinquent, t.cei].map { $0?.description } == expected)
  }

  @Test(
    "ratio: the exact quotient rounded once (a quotient rounded to 18 digits first would reach the tie)",
    arguments: [
      ("1", 1, "20.000000000000000001", RoundingMode.halfUp, "0"),  // 0.04999...9975: to 18 digits 0.05, then 0.1
      ("1", 1, "20", .halfUp, "0.1"), ("1", 1, "20", .halfEven, "0"), ("-1", 1, "4", .halfEven, "-0.2"), ("-1", 1, "4", .halfUp, "-0.3"),
      ("-1", 1, "4", .ceiling, "-0.2"), ("-1", 1, "4", .floor, "-0.3"), ("2", 90, "3", .halfEven, "60"), ("1", 100, "3", .up, "33.4"),
      ("1", 90, "0", .halfEven, "nil"), ("1", 90, "-1", .halfEven, "nil"),
    ])
  func ratio(_ n: String, _ factor: Int, _ d: String, _ mode: RoundingMode, _ expected: String) throws {
    let v = AgingReport.ratio(try #require(Fixed(n)), times: factor, over: try #require(Fixed(d)), mode)
    #expect(v.map(\.description) ?? "nil" == expected)
  }

  @Test(
    "--buckets: ascending positive integers, at most 12",
    arguments: [
      ("30,60,90", "[30, 60, 90]"), ("15", "[15]"), (" 7, 14 ", "[7, 14]"), ("1,2,3,4,5,6,7,8,9,10,11,12", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]"),
      ("", "error"), ("0", "error"), ("30,30", "error"), ("60,30", "error"), ("a", "error"), ("-5", "error"), ("30,,60", "error"),
      ("1.5", "error"), ("+5", "error"), ("99999", "error"), ("1,2,3,4,5,6,7,8,9,10,11,12,13", "error"),
    ])
  func limits(_ text: String, _ expected: String) {
    switch AgingOptions.limits(text) {
    case .success(let l): #expect("\(l)" == expected)
    case .failure: #expect(expected == "error")
    }
  }

  @Test(
    "bucket names and which bucket a number of days past due falls in",
    arguments: [
      ([30, 60, 90], ["current", "1-30", "31-60", "61-90", "over 90"], [(-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (90, 3), (91, 4)]),
      ([15], ["current", "1-15", "over 15"], [(15, 1), (16, 2)]), ([1, 2, 10], ["current", "1", "2", "3-10", "over 10"], [(1, 1), (2, 2), (3, 3), (11, 4)]),
    ])
  func buckets(_ limits: [Int], _ names: [String], _ cases: [(Int, Int)]) {
    let o = AgingOptions(limits: limits)
    #expect(o.bucketNames == names)
    for (days, b) in cases { #expect(o.bucket(daysPastDue: days) == b, "\(days) days") }
  }

  @Test("configurable buckets regroup the same open amounts")
  func customBuckets() throws {
    let r = try Aging.report(Self.history, asOf: "2026-09-15", options: AgingOptions(limits: [45]))
    let t = try #require(r.totals.first)
    // p1 and pp current; p2 46 days, p3 76, wo 107: all over 45.
    #expect(r.bucketNames == ["current", "1-45", "over 45"])
    #expect(t.amounts.map(\.description) == ["1100", "0", "2200"])
    #expect(t.total.description == "3300")
  }

  @Test("the order of the invoice rows changes nothing")
  func rowOrder() throws {
    let lines = Self.history.split(separator: "\n").map(String.init)
    let reversed = ([lines[0]] + lines.dropFirst().reversed()).joined(separator: "\n") + "\n"
    for d in ["2026-06-15", "2026-09-15", "2026-11-01"] {
      let a = try Aging.report(Self.history, asOf: d, options: AgingOptions(detail: true))
      let b = try Aging.report(reversed, asOf: d, options: AgingOptions(detail: true))
      #expect(Aging.digest(a) == Aging.digest(b))
    }
  }

  /// Today's file (settled invoices with their paid_date) seen as of a past date must give what the file as it
  /// stood then gave: the invoices issued by then, those settled later still open.
  @Test("as of a past date, today's data gives what that date's data gave", arguments: [1, 2, 3])
  func timeTravel(_ seed: UInt64) throws {
    var rng = seed &* 0x9E37_79B9_7F4A_7C15
    func next(_ n: Int) -> Int {
      rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((rng >> 33) % UInt64(n))
    }
    let base = try #require(CivilDate.parse("2026-01-01"))
    func day(_ k: Int) -> String { CivilDate(dayNumber: base.dayNumber + Int32(k)).description }
    struct Inv {
      var id: String, kind: String, customer: String, issue: Int, due: Int, cur: String, amount: Int, partPaid: Int, disputed: Int
      var settled: Int?, status: String
    }
    var list: [Inv] = []
    for k in 0..<160 {
      let issue = next(330)
      let amount = 100 + next(500_000)
      let settled: Int? = next(10) < 7 ? issue + next(120) : nil
      // Part payments (no date) only on invoices never settled: a settled one's are taken as made on its paid_date.
      let part = settled == nil && next(3) == 0 ? next(amount) : 0
      list.append(
        Inv(
          id: "i\(k)", kind: next(10) == 0 ? "credit_note" : "invoice", customer: "c\(1 + next(3))", issue: issue, due: issue + next(61),
          cur: next(4) == 0 ? "EUR" : "USD", amount: amount, partPaid: part, disputed: next(5) == 0 ? next(amount) : 0, settled: settled,
          status: next(6) == 0 ? "written_off" : "paid"))
    }
    func money(_ cents: Int) -> String { cents == 0 ? "" : "\(cents / 100).\(String(format: "%02d", cents % 100))" }
    /// The invoices file as it stood at the end of day `at`.
    func file(at: Int) -> String {
      var out = "id,kind,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,paid_date\n"
      for i in list where i.issue <= at {
        let settled = i.settled.map { $0 <= at } ?? false
        out += "\(i.id),\(i.kind),\(i.customer),\(day(i.issue)),\(day(i.due)),\(i.cur),\(money(i.amount)),"
        out += settled ? "\(money(i.amount)),\(money(i.disputed)),\(i.status),\(day(i.settled!))\n" : "\(money(i.partPaid)),\(money(i.disputed)),open,\n"
      }
      return out
    }
    let today = file(at: 1000)
    for at in [20, 95, 150, 200, 260, 330, 400] {
      let asOf = day(at)
      let now = try Aging.report(today, asOf: asOf, options: AgingOptions(detail: true))
      let then = try Aging.report(file(at: at), asOf: asOf, options: AgingOptions(detail: true))
      #expect(Aging.digest(now, counts: false) == Aging.digest(then, counts: false), "as of \(asOf)")
      for t in now.totals {
        // Nothing collected is negative: E <= B + S, and the CEI is within 0-100%.
        #expect(t.total <= t.beginning.adding(t.sales)!)
        if let cei = t.cei { #expect(cei >= .zero && cei <= Fixed(100)) }
      }
    }
  }
}

@Suite("Aging report: the journal's cash")
struct AgingJournalTests {
  static let invoices = """
    id,kind,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,paid_date
    j1,invoice,c1,2026-08-01,2026-08-31,USD,1000.00,,,open,
    j2,invoice,c2,2026-09-01,2026-10-01,USD,400.00,400.00,,open,
    j3,invoice,c2,2026-09-10,2026-10-10,USD,200.00,,,open,
    j4,invoice,c3,2026-09-15,2026-10-15,USD,300.00,,,open,
    j5,invoice,c1,2026-07-01,2026-07-31,USD,500.00,,,open,
    j6,invoice,c3,2026-09-20,2026-10-20,USD,1000.00,400.00,,open,

    """

  static func match(_ id: String, _ date: String, _ customer: String, _ status: String, _ invoices: [String]) -> JournalItem {
    .cashApplication(
      PostedPayment(
        key: "payment:" + id, date: CivilDate.parse(date)!, customer: customer, rule: "rule", status: CashStatus(rawValue: status),
        settlements: invoices.map { Journal.settlement($0)! }))
  }

  /// Three runs: 2026-08-01 (j5 paid on 07-30), 2026-10-31, and 2026-11-20 (j4 paid on 11-15).
  static var journal: Journal {
    let reminder = JournalItem.reminder(SentReminder(key: "j1/std/first", date: CivilDate.parse("2026-10-31")!, customer: "c1", cadence: "std", step: "first"))
    var bytes = Journal.encode(
      run: 1, asOf: CivilDate.parse("2026-08-01")!, folder: "run-0001", items: [match("p0", "2026-07-30", "c1", "applied", ["j5=500.00@0.00"])])
    bytes += Journal.encode(
      run: 2, asOf: CivilDate.parse("2026-10-31")!, folder: "run-0002",
      items: [
        match("p1", "2026-10-20", "c1", "applied", ["j1=1000.00@0.00"]),
        match("p2", "2026-10-21", "c2", "applied", ["j2=400.00@0.00"]),  // the invoices file shows it already
        match("p3", "2026-10-22", "c2", "exception", ["j3=200.00@0.00"]),  // 205.00: 5.00 held
        match("p4", "2026-10-23", "", "exception", []),  // payer unknown
        match("p5", "2026-10-24", "c3", "suggested", ["j4=300.00@0.00"]),  // waits for review
        match("p6", "2026-10-25", "c1", "applied", []),  // all of it on account
        match("p7", "2026-10-26", "c1", "applied", []),  // not in the data folder
        match("p9", "2026-10-27", "c3", "applied", ["j6=400.00@0.00"]),  // in the file (400 paid)
        match("p10", "2026-10-28", "c3", "applied", ["j6=600.00@400.00"]),  // not yet
        reminder,
      ])
    bytes += Journal.encode(
      run: 3, asOf: CivilDate.parse("2026-11-20")!, folder: "run-0003", items: [match("p8", "2026-11-15", "c3", "applied", ["j4=300.00@0.00"])])
    return Journal.parse(bytes)
  }

  static let payments: [String: AgingJournal.PaymentAmount] = [
    "p0": Aging.usd("500.00"), "p1": Aging.usd("1000.00"), "p2": Aging.usd("400.00"), "p3": Aging.usd("205.00"), "p4": Aging.usd("75.00"),
    "p5": Aging.usd("300.00"), "p6": Aging.usd("30.00"), "p8": Aging.usd("300.00"), "p9": Aging.usd("400.00"), "p10": Aging.usd("600.00"),
  ]

  // Before the fix, the report read no journal: j1, closed by p1, stayed 62 days overdue.
  @Test("posted payments close invoices on their booking date; the file's own payments are not counted twice")
  func settlements() throws {
    let plain = try Aging.report(Self.invoices, asOf: "2026-11-01")
    #expect(plain.totals.first?.total.description == "2600")  // j1 1000 + j3 200 + j4 300 + j5 500 + j6 600
    let r = try Aging.report(Self.invoices, asOf: "2026-11-01", options: AgingOptions(detail: true), journal: Self.journal, payments: Self.payments)
    let t = try #require(r.totals.first)
    // Left open: j4 (p5 is only suggested; p8's run is dated after 2026-11-01).
    #expect(t.total.description == "300")
    #expect(t.amounts.map(\.description) == ["0", "300", "0", "0", "0"])
    // B: j1 was open at the end of 2026-08-03 (paid 10-20), j5 was not (paid 07-30).
    #expect(t.beginning.description == "1000")
    let j = try #require(r.journal)
    #expect([j.runs, j.runsAfter, j.payments] as [Int] == [2, 1, 10])
    // Counted: j5, j1, j3, j6's second 600; in the file: j2 and j6's first 400.
    #expect([j.settlementsCounted, j.settlementsInInvoices, j.settlementsUnknown] as [Int] == [4, 2, 0])
    #expect(j.paymentsNotInData == ["payment:p7"])
  }

  @Test("rests: applied on account, held and suggested unapplied, unknown payer in the totals only")
  func credits() throws {
    let r = try Aging.report(Self.invoices, asOf: "2026-11-01", options: AgingOptions(detail: true), journal: Self.journal, payments: Self.payments)
    let rows = r.rows.map { "\($0.customerID): open \($0.total), on account \($0.creditOnAccount), unapplied \($0.unapplied), net \($0.netBalance)" }
    #expect(
      rows == [
        "c3: open 300, on account 0, unapplied 300, net 0", "c1: open 0, on account 30, unapplied 0, net -30",
        "c2: open 0, on account 0, unapplied 5, net -5",
      ])
    let c3 = try #require(r.rows.first)
    #expect(c3.items.map { "\($0.kind) \($0.id) \($0.amount) \($0.status ?? "")" } == ["invoice j4 300 ", "unapplied payment:p5 300 suggested"])
    let t = try #require(r.totals.first)
    #expect([t.creditOnAccount, t.unapplied, t.unidentified, t.credits, t.netBalance].map(\.description) == ["30", "380", "75", "410", "-110"])
    #expect(t.unidentifiedItems.map(\.id) == ["payment:p4"])
  }

  @Test("a run dated after the as-of date had not happened: nothing of it counts")
  func laterRuns() throws {
    let before = try Aging.report(Self.invoices, asOf: "2026-10-21", journal: Self.journal, payments: Self.payments)
    let t = try #require(before.totals.first)
    // j5 closed by run 1; j1, j3, j4 open; j6 too, in full: the 400 the file shows paid without a date is dated by p9
    // (booked 10-27), even though p9's run is dated later: the file counts the money, the journal only dates it.
    #expect(t.total.description == "2500")
    #expect(t.credits.isZero)
    #expect([before.journal?.runs, before.journal?.runsAfter] == [1, 2])
    let after = try Aging.report(Self.invoices, asOf: "2026-11-20", journal: Self.journal, payments: Self.payments)
    #expect(after.totals.first?.total.description == "0")  // p8 paid j4 on 11-15
    // p5 stays unapplied: the invoices file does not show it posted.
    #expect(after.rows.first { $0.customerID == "c3" }?.unapplied.description == "300")
  }

  @Test("a payment the invoices file shows without a date takes the journal payment's booking date")
  func datedByJournal() throws {
    // j1's 1000 paid (no date) is p1's, booked 2026-10-20: j1 was open at the end of 2026-08-03 (B) and on 10-19.
    let shown = Self.invoices.replacingOccurrences(
      of: "j1,invoice,c1,2026-08-01,2026-08-31,USD,1000.00,,,open,", with: "j1,invoice,c1,2026-08-01,2026-08-31,USD,1000.00,1000.00,,paid,")
    let r = try Aging.report(shown, asOf: "2026-11-01", journal: Self.journal, payments: Self.payments)
    #expect(r.totals.first?.beginning.description == "1000")
    #expect(r.paidWithoutDate == 0)
    #expect(r.partPaidWithoutDate == 0)  // j6's 400 is p9's
    let early = try Aging.report(shown, asOf: "2026-10-19", journal: Self.journal, payments: Self.payments)
    #expect(early.rows.first { $0.customerID == "c1" }?.total.description == "1000")
    // Without the journal, the same file says j1 was paid on its issue date.
    let alone = try Aging.report(shown, asOf: "2026-10-19")
    #expect(alone.rows.first { $0.customerID == "c1" }?.total.description == "500")  // j5 only
    #expect(alone.paidWithoutDate == 1)
  }

  @Test("a suggested payment the invoices file shows posted counts as applied")
  func suggestedPosted() throws {
    let posted = Self.invoices.replacingOccurrences(
      of: "j4,invoice,c3,2026-09-15,2026-10-15,USD,300.00,,,open,", with: "j4,invoice,c3,2026-09-15,2026-10-15,USD,300.00,300.00,,paid,2026-10-26")
    let r = try Aging.report(posted, asOf: "2026-11-01", journal: Self.journal, payments: Self.payments)
    #expect(r.rows.first { $0.customerID == "c3" }?.unapplied.isZero != false)
    #expect(r.totals.first?.total.description == "0")
  }
}
