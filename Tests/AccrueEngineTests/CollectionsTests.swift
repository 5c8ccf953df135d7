import AccrueBilling
import AccrueCash
import AccrueChecker
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueGen
import AccrueImport
import AccrueLedger
import AccrueModel
import AccrueParser
import AccrueRender
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// Dunning rules against small invoice files, with dates around weekends, holidays and month ends.
/// 2026-11-02 is a Monday; 2026-11-07/08 and 11-14/15 are weekends.
enum Dun {
  static let customers = """
    id,name,segment,country,billing_email,account_owner,credit_hold
    c1,Acme,smb,US,ap@acme.example,owner@us.example,false
    c2,Globex,enterprise,US,ap@globex.example,owner@us.example,false
    c3,Initech,smb,US,ap@initech.example,,true

    """

  static func invoices(_ rows: [String]) -> String {
    "id,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status\n" + rows.joined(separator: "\n") + "\n"
  }

  static func run(
    _ rules: String, _ files: [String: String], asOf: String, history: [SentReminder] = [], whyNot: String? = nil
  ) throws -> CollectionsResult {
    let p = try Run.plan(rules)
    var all = files
    if all["customers.csv"] == nil { all["customers.csv"] = customers }
    let (data, issues) = Dataset.load(folder: try Run.folder(all), plan: p)
    try #require(issues.isEmpty, "\(issues)")
    return Collections.run(plan: p, data: data, asOf: try #require(CivilDate.parse(asOf)), history: history, whyNot: whyNot)
  }

  static func keys(_ r: CollectionsResult) -> [String] { r.reminders.map(\.key) }
}

@Suite("Collections")
struct CollectionsTests {
  static let basic = """
    currency USD
    cadence standard {
      step before "Heads-up" 3 days before due { send email "upcoming" }
      step first 5 days after due { send email "overdue-1" to customer.billing_email cc customer.account_owner }
      step second 15 days after due { send email "overdue-2" }
    }
    """

  @Test("a step falls relative to the due date; on a weekend it moves to Monday")
  func weekendRoll() throws {
    // Due Mon 2026-11-02: 'first' falls on Sat 11-07 and moves to Mon 11-09.
    let files = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-03,2026-11-02,USD,100.00,,,open"])]
    #expect(Dun.keys(try Dun.run(Self.basic, files, asOf: "2026-11-06")) == ["i1/standard/before"])
    let sat = try Dun.run(Self.basic, files, asOf: "2026-11-08", history: [Self.sent("i1/standard/before", "2026-10-30", "c1", "before", ["i1"])])
    #expect(sat.reminders.isEmpty)
    let mon = try Dun.run(Self.basic, files, asOf: "2026-11-09", history: [Self.sent("i1/standard/before", "2026-10-30", "c1", "before", ["i1"])])
    #expect(Dun.keys(mon) == ["i1/standard/first"])
    let m = try #require(mon.reminders.first)
    #expect(m.stepDate.description == "2026-11-09")
    #expect(m.messages == [ReminderMessage(channel: .email, template: "overdue-1", to: ["ap@acme.example"], cc: ["owner@us.example"])])
    // 'before' (3 days before Mon 11-02) falls on Fri 10-30.
    let early = try Dun.run(Self.basic, files, asOf: "2026-10-30")
    #expect(early.reminders.first?.stepDate.description == "2026-10-30")
    #expect(try Dun.run(Self.basic, files, asOf: "2026-10-29").reminders.isEmpty)
  }

  static func sent(_ key: String, _ date: String, _ customer: String, _ step: String, _ invoices: [String], cadence: String = "standard") -> SentReminder {
    SentReminder(key: key, date: CivilDate.parse(date)!, customer: customer, cadence: cadence, step: step, invoices: invoices)
  }

  @Test("business days skip weekends and the holidays of the rules and of holidays.csv")
  func businessDays() throws {
    let rules = """
      currency USD
      calendar us {
        weekend saturday, sunday
        holiday 2026-11-26 "Thanksgiving"
      }
      cadence b {
        calendar us
        step first 3 business days after due { send email "overdue-1" }
      }
      """
    // Due Wed 11-25: business days after it are Fri 11-27 (Thu is Thanksgiving), Mon 11-30, Tue 12-01.
    var files = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-25,2026-11-25,USD,100.00,,,open"])]
    #expect(try Dun.run(rules, files, asOf: "2026-11-30").reminders.isEmpty)
    #expect(try Dun.run(rules, files, asOf: "2026-12-01").reminders.first?.stepDate.description == "2026-12-01")
    // A company holiday on 11-27 from holidays.csv pushes it to Wed 12-02.
    files["holidays.csv"] = "calendar,date,name\nus,2026-11-27,Day after Thanksgiving\n"
    #expect(try Dun.run(rules, files, asOf: "2026-12-01").reminders.isEmpty)
    #expect(try Dun.run(rules, files, asOf: "2026-12-02").reminders.first?.stepDate.description == "2026-12-02")
  }

  @Test("month ends: due on January 31, 30 days after falls on March 2 (2026) and March 1 (2028)")
  func monthEnd() throws {
    let rules = "cadence m {\n  step late 30 days after due { send email \"late\" }\n}\n"
    // 2026-01-31 + 30 days = 2026-03-02 (Mon); 2028-01-31 + 30 days = 2028-03-01 (Wed, leap year).
    for (due, expected) in [("2026-01-31", "2026-03-02"), ("2028-01-31", "2028-03-01")] {
      let files = ["invoices.csv": Dun.invoices(["i1,c1,2025-12-31,\(due),USD,100.00,,,open"])]
      let r = try Dun.run(rules, files, asOf: "2028-12-31")
      #expect(r.reminders.first?.stepDate.description == expected)
    }
  }

  @Test("cadence selection: the first whose conditions hold; a currency cadence takes only its currency")
  func selection() throws {
    let rules = """
      cadence eur_only {
        currency EUR
        step a 1 day after due { send email "eur" }
      }
      cadence enterprise {
        applies when customer.segment = "enterprise"
        step a 1 day after due { send email "ent" }
      }
      cadence rest {
        step a 1 day after due { send email "rest" }
      }
      """
    let files = [
      "invoices.csv": Dun.invoices([
        "i1,c1,2026-10-01,2026-11-02,EUR,100.00,,,open", "i2,c2,2026-10-01,2026-11-02,USD,100.00,,,open",
        "i3,c1,2026-10-01,2026-11-02,USD,100.00,,,open",
      ])
    ]
    let r = try Dun.run(rules, files, asOf: "2026-11-10", whyNot: "i3")
    #expect(Set(Dun.keys(r)) == ["i1/eur_only/a", "i2/enterprise/a", "i3/rest/a"])
    let why = try #require(r.whyNot).map(CollectionsSentences.sentence)
    #expect(why.contains { $0.contains("takes only EUR invoices") })
    #expect(why.contains { $0.contains("'customer.segment = \"enterprise\"' is false (customer.segment = \"smb\")") })
  }

  @Test("one reminder per customer: covers all overdue invoices, the oldest drives the step")
  func grouping() throws {
    let rules = "cadence g {\n  one reminder per customer\n" + Self.basic.split(separator: "\n").dropFirst(2).dropLast().joined(separator: "\n") + "\n}\n"
    let files = [
      "invoices.csv": Dun.invoices([
        "new,c1,2026-10-20,2026-11-20,USD,50.00,,,open", "old,c1,2026-09-20,2026-10-20,USD,200.00,50.00,,open",
        "paid,c1,2026-09-20,2026-10-20,USD,80.00,80.00,,paid",
      ])
    ]
    let r = try Dun.run(rules, files, asOf: "2026-11-23", whyNot: "new")
    try #require(r.reminders.count == 1)
    let m = r.reminders[0]
    // old: due 10-20, 'second' (15 days) fell on 11-04; new: due 11-20, 'first' falls 11-25, but it is covered.
    #expect(m.key == "old/g/second")
    #expect(m.invoices.map(\.id) == ["old", "new"])
    #expect(m.total.description == "200")
    #expect(r.whyNot?.map(CollectionsSentences.sentence).contains { $0.contains("covered by reminder old/g/second") } == true)
  }

  @Test("covered invoices keep their ids and numbers, short (held inline) or long, plain or not")
  func coveredIDs() throws {
    let rules = "cadence g {\n  one reminder per customer\n" + Self.basic.split(separator: "\n").dropFirst(2).dropLast().joined(separator: "\n") + "\n}\n"
    let long = "INVOICE-2026-THIS-ID-IS-LONGER-THAN-23"
    let files = [
      "invoices.csv": "id,number,customer,issue_date,due_date,currency,amount\n"
        + "a1,a1,c1,2026-09-01,2026-10-01,USD,10.00\n\(long),\(long),c1,2026-09-02,2026-10-02,USD,20.00\n"
        + "b1,NR 7,c1,2026-09-03,2026-10-03,USD,30.00\n\(long)-2,NR 8,c1,2026-09-04,2026-10-04,USD,40.00\n"
        + "ünï,ünï,c1,2026-09-05,2026-10-05,USD,50.00\n"
    ]
    let m = try #require(try Dun.run(rules, files, asOf: "2026-11-23").reminders.first)
    #expect(m.invoices.map(\.id) == ["a1", long, "b1", long + "-2", "ünï"])
    #expect(m.invoices.map(\.number) == ["a1", long, "NR 7", "NR 8", "ünï"])
    #expect(m.invoices.map(\.ref.numberIsID) == [true, true, false, false, true])
    #expect(m.invoices.map { $0.ref.idText.isNone } == [false, true, false, true, true])
    var changed = m.invoices[0]
    changed.number = "X"
    #expect(changed.id == "a1" && changed.number == "X" && changed != m.invoices[0])
    changed.number = "a1"
    #expect(changed == m.invoices[0] && changed.hashValue == m.invoices[0].hashValue)
  }

  @Test("a number that equals the id only as Swift compares strings (another form of an accented letter) keeps its bytes")
  func numberInAnotherForm() {
    let (id, number) = ("Ne\u{301}", "N\u{e9}")
    let r = InvoiceRef(id: id, number: number)
    #expect(Array(r.number.utf8) == Array(number.utf8) && !r.numberIsID)
    let inv = OpenInvoice(
      id: id, number: number, isCreditNote: false, customer: 0, contract: -1, issueDate: CivilDate.parse("2026-01-01")!,
      dueDate: CivilDate.parse("2026-02-01")!, currency: .USD, amount: Fixed(100), paid: .zero, disputed: .zero, status: .open,
      reference: "", line: 2, custom: [])
    #expect(!inv.numberIsID)
  }

  @Test("an invoice reference reads back its id and number, held inline or not", arguments: [
    ("a1", "a1"), ("a1", "NR 7"), (String(repeating: "9", count: 23), String(repeating: "9", count: 23)),
    (String(repeating: "9", count: 24), "x"), ("ünï", "ünï"), ("", ""),
  ])
  func invoiceRef(id: String, number: String) {
    var r = InvoiceRef(id: id, number: number)
    #expect(r.id == id && r.number == number)
    #expect(r.numberIsID == (id == number))
    #expect(r.idText.isNone == (id.utf8.count > 23 || !id.utf8.allSatisfy { $0 < 0x80 }))
    #expect(r == InvoiceRef(id: id, number: number) && r.hashValue == InvoiceRef(id: id, number: number).hashValue)
    r.number = "other"
    #expect(r.id == id && r.number == "other" && !r.numberIsID)
    r.id = "other"
    #expect(r.id == "other" && r.numberIsID)
  }

  @Test("pauses: dispute, promise to pay, payment plan, credit hold, pause when")
  func pauses() throws {
    let rules = """
      cadence p {
        currency USD
        pause on dispute
        pause on promise to pay
        pause on payment plan
        pause on credit hold
        pause when invoice.balance < 20.00 USD
        step a 1 day after due { send email "a" }
      }
      """
    let files = [
      "invoices.csv": Dun.invoices([
        "whole,c1,2026-10-01,2026-11-02,USD,100.00,,100.00,open", "part,c1,2026-10-01,2026-11-02,USD,100.00,,40.00,open",
        "promised,c2,2026-10-01,2026-11-02,USD,100.00,,,open", "planned,c2,2026-10-01,2026-11-03,USD,100.00,,,open",
        "held,c3,2026-10-01,2026-11-02,USD,100.00,,,open", "small,c2,2026-10-01,2026-11-02,USD,100.00,85.00,,open",
      ]),
      "promises.csv": "customer,invoice,promised_date\nc2,promised,2026-11-12\n",
      "payment_plans.csv": "customer,invoice,id,start_date,end_date,status\nc2,planned,pp-1,2026-11-01,2026-12-31,active\n",
    ]
    let r = try Dun.run(rules, files, asOf: "2026-11-10")
    #expect(Dun.keys(r) == ["part/p/a"])
    // The disputed part is left out of the reminder.
    #expect(r.reminders.first?.invoices.first?.balance.description == "60")
    #expect(r.reminders.first?.invoices.first?.disputed.description == "40")
    for (id, reason) in [
      ("whole", "is disputed"), ("promised", "promise to pay by 2026-11-12"), ("planned", "payment plan pp-1"), ("held", "credit hold"),
      ("small", "pause when 'invoice.balance < 20.00 USD' is true"),
    ] {
      let w = try Dun.run(rules, files, asOf: "2026-11-10", whyNot: id).whyNot.map(CollectionsSentences.sentences) ?? []
      #expect(w.contains { $0.contains(reason) }, "\(id): \(w)")
    }
    // The promise was not kept: after its date, dunning resumes.
    #expect(Dun.keys(try Dun.run(rules, files, asOf: "2026-11-13")).contains("promised/p/a"))
  }

  /// A five-day gap, and one invoice due Monday 2026-11-02.
  static let gapRules = """
    cadence gap {
      minimum gap 5 days
      step a 1 day after due { send email "a" }
    }
    """
  static let gapFiles = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-01,2026-11-02,USD,100.00,,,open"])]

  @Test("minimum gap: no second reminder to a customer too soon; a gap ending on a weekend waits for Monday")
  func minimumGap() throws {
    let (rules, files) = (CollectionsTests.gapRules, CollectionsTests.gapFiles)
    // Last reminder (another invoice) on Mon 11-02: +5 days = Sat 11-07, so Mon 11-09 at the earliest.
    let history = [Self.sent("x/gap/a", "2026-11-02", "c1", "a", ["x"], cadence: "gap")]
    let held = try Dun.run(rules, files, asOf: "2026-11-07", history: history, whyNot: "i1")
    #expect(held.reminders.isEmpty)
    #expect(held.whyNot?.map(CollectionsSentences.sentence).contains { $0.contains("next reminder on 2026-11-09 at the earliest") } == true)
    #expect(Dun.keys(try Dun.run(rules, files, asOf: "2026-11-09", history: history)) == ["i1/gap/a"])
    // Within one run: two invoices of one customer (not grouped) get one reminder.
    let two = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-01,2026-11-02,USD,100.00,,,open", "i2,c1,2026-10-01,2026-11-03,USD,100.00,,,open"])]
    #expect(Dun.keys(try Dun.run(rules, two, asOf: "2026-11-10")) == ["i1/gap/a"])
  }

  @Test("catch-up: after a gap only the latest step due is sent, and the skipped ones are named")
  func catchUp() throws {
    let files = ["invoices.csv": Dun.invoices(["i1,c1,2026-09-01,2026-10-01,USD,100.00,,,open"])]
    let r = try Dun.run(Self.basic, files, asOf: "2026-11-02")
    #expect(Dun.keys(r) == ["i1/standard/second"])
    #expect(r.reminders.first?.skipped == ["before", "first"])
    // Once sent, nothing more: already sent, and no later step.
    let again = try Dun.run(Self.basic, files, asOf: "2026-11-03", history: r.reminders.map(\.sent), whyNot: "i1")
    #expect(again.reminders.isEmpty)
    #expect(again.whyNot?.map(CollectionsSentences.sentence).contains { $0.contains("already sent: step second") } == true)
    // A step already sent is not sent again even when an earlier one is still unsent.
    let afterFirst = try Dun.run(Self.basic, files, asOf: "2026-10-07", history: [Self.sent("i1/standard/first", "2026-10-06", "c1", "first", ["i1"])])
    #expect(afterFirst.reminders.isEmpty)
  }

  @Test("a step's condition: the latest step whose condition holds; why-not shows the values seen")
  func threshold() throws {
    let rules = """
      cadence t {
        currency USD
        step a 1 day after due { send email "a" }
        step big 10 days after due {
          when invoice.balance >= 500.00 USD
          send email "big"
        }
      }
      """
    let files = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-01,2026-10-01,USD,100.00,,,open"])]
    let r = try Dun.run(rules, files, asOf: "2026-11-02", whyNot: "i1")
    #expect(Dun.keys(r) == ["i1/t/a"])
    #expect(r.whyNot?.map(CollectionsSentences.sentence).contains { $0.contains("'invoice.balance >= 500.00 USD' is false (invoice.balance = 100.00 USD)") } == true)
  }

  @Test("late fee (fixed plus percent) and interest (rate / 365 x days), rounded to the cent")
  func feesAndInterest() throws {
    let rules = """
      cadence f {
        currency USD
        step fee 10 days after due {
          late fee 25.00 USD plus 1.5%
          interest 12% per year actual/365
          propose write off
          hand over to agency "Summit"
        }
      }
      """
    // 1,000.00 open, due 2026-10-02, as of 2026-11-01: 30 days.
    // fee = 25.00 + 15.00 = 40.00; interest = 1000 x 0.12 x 30 / 365 = 9.8630... -> 9.86.
    let files = ["invoices.csv": Dun.invoices(["i1,c1,2026-09-02,2026-10-02,USD,1200.00,200.00,,open"])]
    let r = try Dun.run(rules, files, asOf: "2026-11-01")
    let actions = try #require(r.reminders.first?.actions)
    #expect(actions.map(\.kind.rawValue) == ["late fee", "interest", "write-off proposal", "agency"])
    #expect(actions.map { $0.amount?.description } == ["40", "9.86", "1000", "1000"])
  }

  @Test("late fee from the plan's terms when the step states no amount")
  func planLateFee() throws {
    let rules = """
      currency USD
      plan p {
        period monthly
        align to calendar
        charge c { flat 10.00 USD }
        late fee 5.00 USD plus 2%
      }
      cadence f {
        step fee 1 day after due { late fee }
      }
      """
    let files = [
      "contracts.csv": "id,customer,plan,start_date\nk1,c1,p,2026-01-01\n",
      "invoices.csv": "id,customer,contract,issue_date,due_date,currency,amount\ni1,c1,k1,2026-10-01,2026-10-15,USD,300.00\n",
    ]
    let r = try Dun.run(rules, files, asOf: "2026-11-01")
    #expect(r.reminders.first?.actions.first?.amount?.description == "11")
  }

  @Test("reminders.csv from another system counts as sent")
  func importedHistory() throws {
    let files = [
      "invoices.csv": Dun.invoices(["i1,c1,2026-09-01,2026-10-20,USD,100.00,,,open"]),
      "reminders.csv": "date,customer,cadence,step,invoices\n2026-10-26,c1,standard,first,i1\n",
    ]
    #expect(try Dun.run(Self.basic, files, asOf: "2026-10-28").reminders.isEmpty)
    #expect(Dun.keys(try Dun.run(Self.basic, files, asOf: "2026-11-04")) == ["i1/standard/second"])
  }

  @Test("reminders.csv naming a cadence or step the rules do not have is reported, with a suggestion")
  func unknownStep() throws {
    let (_, issues) = Dataset.load(
      folder: try Run.folder([
        "customers.csv": Dun.customers,
        "reminders.csv": "date,customer,cadence,step,invoices\n2026-10-20,c1,standard,frist,i1\n2026-10-20,c1,standrd,first,i1\n",
      ]), plan: try Run.plan(Self.basic))
    #expect(issues.map(\.code) == ["D0311", "D0311"])
    #expect(issues.map(\.message) == ["cadence 'standard' has no step 'frist'; did you mean 'first'?", "unknown cadence 'standrd'; did you mean 'standard'?"])
  }

  @Test("bad collections data is located: unknown invoice, another customer's invoice, bad status, unknown calendar")
  func badData() throws {
    let p = try Run.plan(Self.basic)
    let dir = try Run.folder([
      "customers.csv": Dun.customers,
      "invoices.csv": Dun.invoices(["i1,c1,2026-09-01,2026-10-20,USD,100.00,,,opne", "i2,c1,2026-09-01,2026-10-20,USD,100.00,,,open"]),
      "promises.csv": "customer,invoice,promised_date\nc1,nope,2026-11-01\nc2,i2,2026-11-01\n",
      "holidays.csv": "calendar,date\nus,2026-12-25\n",
    ])
    let (_, issues) = Dataset.load(folder: dir, plan: p)
    #expect(issues.map(\.code) == ["D0308", "D0309", "D0307", "D0310"])
    #expect(issues.map(\.line) == [2, 2, 3, 2])
    #expect(issues[0].message.contains("unknown status 'opne'"))
  }
}

@Suite("Journal")
struct JournalTests {
  static func item(_ k: String) -> JournalItem { .invoice(IssuedInvoice(key: k, date: CivilDate.parse("2026-11-01")!, customer: "c1")) }

  @Test("runs are read back whole; a torn or corrupted tail is ignored")
  func tornTail() {
    let d = CivilDate.parse("2026-11-01")!
    let one = Journal.encode(run: 1, asOf: d, folder: "run-0001", items: [Self.item("a"), Self.item("b")])
    let two = Journal.encode(run: 2, asOf: d, folder: "run-0002", items: [Self.item("c")])
    #expect(Journal.parse(one + two).items.map(\.key) == ["a", "b", "c"])
    // Cut anywhere inside run 2: only run 1 counts, and the valid length points at its end.
    for cut in 0..<two.count {
      let j = Journal.parse(one + Array(two[..<cut]))
      #expect(j.items.map(\.key) == ["a", "b"], "cut at \(cut)")
      #expect(j.validLength == one.count)
    }
    // A flipped byte in run 2's commit line: run 2 is dropped.
    var bad = one + two
    bad[bad.count - 3] ^= 0x01
    #expect(Journal.parse(bad).runs.count == 1)
  }

  @Test("apply twice: nothing new the second time")
  func idempotent() throws {
    let files = ["customers.csv": Dun.customers, "invoices.csv": Dun.invoices(["i1,c1,2026-09-01,2026-10-01,USD,100.00,,,open"])]
    let p = try Run.plan(CollectionsTests.basic)
    let (data, _) = Dataset.load(folder: try Run.folder(files), plan: p)
    let base = TemporaryPaths.make("accrue-apply")
    let asOf = CivilDate.parse("2026-11-02")!
    var folders: [String?] = []
    for _ in 0..<2 {
      let journal = try LedgerStore.read(stateDir: base + "/state")
      let c = Collections.run(plan: p, data: data, asOf: asOf, history: journal.sentReminders)
      folders.append(
        try Apply.commit(
          stateDir: base + "/state", outDir: base + "/out", journal: journal,
          record: LedgerRecord(run: 0, asOf: asOf, folder: "", items: c.reminders.map(\.produced), recordedAt: "test"), files: Apply.Files([("reminders.txt", Array(c.reminders.map(\.key).joined(separator: "\n").utf8))])))
    }
    #expect(folders == ["run-0001-2026-11-02", nil])
    #expect(try LedgerStore.read(stateDir: base + "/state").items.map(\.key) == ["i1/standard/second"])
  }
}

@Suite("Invoices read in two halves")
struct ParallelInvoicesTests {
  /// Two halves (the fast path, or the general reader when the file has quotes) give exactly one reader's
  /// invoices and issues, unusual lines and duplicates across halves included; with a contracts file, the
  /// invoices file is read ahead by the thread that read the contracts.
  @Test("two halves give exactly one reader's invoices and issues", arguments: [false, true], [false, true])
  func halves(_ quoted: Bool, _ withContracts: Bool) throws {
    let header = "id,number,kind,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,period_start,paid_date"
    var rows = ["i0,N-0,invoice,c1,2026-09-01,2026-10-01,USD,1.00,,,open,,"]
    for k in 1..<400 {
      rows.append("i\(k),i\(k),,c\(k % 3 + 1),2026-09-01,2026-10-\(k % 28 + 1 < 10 ? "0" : "")\(k % 28 + 1),USD,\(k).50,1.00,,open,2026-09-01,")
    }
    let unusual: [(Int, String)] = [
      (50, "i50,,,c9,2026-09-01,2026-10-01,USD,1.00,,,open,,"),  // unknown customer
      (60, "i60,,,c1,2026-09-31,2026-10-01,USD,1.00,,,open,,"),  // impossible date
      (70, "i70,,,c1,2026-09-01,2026-10-01,USD,1.00,,,opne,,"),  // bad status
      (80, "i80,,,c1,2026-09-01,2026-08-01,USD,1.00,,,open,,"),  // due before issue
      (90, "i90,,credit_note,c1,2026-09-01,2026-10-01,USD,5.00,,,open,,"),  // credit note
      (100, "i100,,,c1,2026-09-01,2026-10-01,,1.00,,,open,,"),  // no currency
      (110, "i110,,,c1,2026-09-01,2026-10-01,JPY,1.50,,,open,,"),  // decimals JPY does not have
      (120, "i120,,,c1,2026-09-01,2026-10-01,USD,1.00,,,paid,,2026-10-02\r"),  // CRLF
      (130, ""),  // blank line
      (140, "i140,,,c1,2026-09-01,2026-10-01,USD,1.00,,,open,,,extra"),  // too many fields
      (150, "i150,Ré-150,,c1,2026-09-01,2026-10-01,USD,1.00,,,open,,"),  // non-ASCII
      (160, "i160,,,c1,2026-09-01,2026-10-01,USD,1_000.00,,,open,,"),  // underscores
      (300, "i0,,,c1,2026-09-01,2026-10-01,USD,1.00,,,open,,"),  // duplicate of the first row, second half
      (310, "i1,,,c9,2026-09-01,2026-10-01,USD,1.00,,,open,,"),  // duplicate, and an unknown customer: a duplicate
      (320, "i2,,,c1,2026-09-01,2026-10-01,USD,1.00,,,opne,,"),  // duplicate, and a bad status: a duplicate
      (350, "i350,,,c1,2026-09-01,2026-10-01,USD,1.005,,,open,,"),  // too many decimals
      (360, "i0,,,c1,2026-09-01,2026-10-01,USD,1.00,,,open,,"),  // duplicate again
    ]
    for (k, text) in unusual { rows[k] = text }
    if quoted { rows[370] = "\"i370\",,,c1,2026-09-01,2026-10-01,USD,\"2.00\",,,open,," }
    let p = try Run.plan(CollectionsTests.basic)
    var files = ["customers.csv": Dun.customers, "invoices.csv": header + "\n" + rows.joined(separator: "\n") + "\n"]
    if withContracts { files["contracts.csv"] = "id,customer,plan,start_date\n" }
    let dir = try Run.folder(files)
    let (one, i1) = Dataset.load(folder: dir, plan: p)
    let (two, i2) = Dataset.load(folder: dir, plan: p, parallelInvoicesAt: 1)
    #expect(i1 == i2)
    #expect(one.invoicesReadFast == 0)
    #expect(quoted ? two.invoicesReadFast == 0 : two.invoicesReadFast > 350, "\(two.invoicesReadFast)")
    #expect(i1.map(\.code) == ["D0301", "D0204", "D0308", "D0305", "D0203", "D0208", "D0101", "D0205", "D0304", "D0304", "D0304", "D0208", "D0304"])
    #expect(i1.map(\.line) == [52, 62, 72, 82, 102, 112, 142, 162, 302, 312, 322, 352, 362])
    #expect(one.invoices.count == 400 - 14)
    #expect(one.invoices.map(\.id) == two.invoices.map(\.id))
    #expect(one.invoices.map(\.number) == two.invoices.map(\.number))
    #expect(one.invoices.map(\.line) == two.invoices.map(\.line))
    #expect(one.invoices.map(\.amount) == two.invoices.map(\.amount))
    #expect(one.invoices.map(\.paid) == two.invoices.map(\.paid))
    #expect(one.invoices.map(\.status) == two.invoices.map(\.status))
    #expect(one.invoices.map(\.isCreditNote) == two.invoices.map(\.isCreditNote))
    #expect(one.invoices.map(\.paidDate) == two.invoices.map(\.paidDate))
    #expect(one.invoices.map(\.dueDate) == two.invoices.map(\.dueDate))
    #expect(two.invoiceIDs.find("i399", in: two.invoices) == one.invoices.count - 1)
  }
}

extension ParallelInvoicesTests {
  /// Without an id in both halves, the second half's index is merged from its hashes and its invoices moved
  /// over whole: every invoice is found by its id, at its place, with its own fields.
  @Test("halves without a shared id are joined whole, every id found at its place")
  func joinedWhole() throws {
    let header = "id,number,kind,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,reference"
    var rows: [String] = []
    for k in 0..<1_000 {
      // Ids longer than a string keeps inline, as real ones often are; some invoices carry their own number.
      rows.append("INVOICE-2026-\(100_000 + k),\(k % 7 == 0 ? "N-\(k)" : ""),,c\(k % 3 + 1),2026-09-01,2026-10-01,USD,\(k).25,,,open,RF\(k)")
    }
    let p = try Run.plan(CollectionsTests.basic)
    let dir = try Run.folder(["customers.csv": Dun.customers, "invoices.csv": header + "\n" + rows.joined(separator: "\n") + "\n"])
    let (one, i1) = Dataset.load(folder: dir, plan: p)
    let (two, i2) = Dataset.load(folder: dir, plan: p, parallelInvoicesAt: 1)
    #expect(i1.isEmpty && i2.isEmpty)
    #expect(two.invoicesReadFast == 1_000)
    #expect(two.invoices.count == 1_000)
    #expect(one.invoices.map(\.id) == two.invoices.map(\.id))
    #expect(one.invoices.map(\.number) == two.invoices.map(\.number))
    #expect(one.invoices.map(\.reference) == two.invoices.map(\.reference))
    #expect(one.invoices.map(\.line) == two.invoices.map(\.line))
    #expect(one.invoices.map(\.amount) == two.invoices.map(\.amount))
    #expect(two.invoiceIDs.count == 1_000)
    for (k, inv) in two.invoices.enumerated() { #expect(two.invoiceIDs.find(inv.id, in: two.invoices) == k) }
    #expect(two.invoiceIDs.find("INVOICE-2026-101000", in: two.invoices) == nil)
  }
}

extension ParallelInvoicesTests {
  /// A file with CRLF line ends, where one line holds a lone carriage return: the line the fast path hands to
  /// the general reader is read with the file's own line ends, so it is read as one reader reads it (a stray CR
  /// before the line end used to vanish: "open\r" passed as a status, a line of a lone CR as a blank line).
  @Test(
    "a lone carriage return in a CRLF file is located as one reader locates it",
    arguments: [
      "i300,,,c1,2026-09-01,2026-10-01,USD,1.00,\r,,open", "i3\r00,,,c1,2026-09-01,2026-10-01,USD,1.00,,,open",
      "\ri300,,,c1,2026-09-01,2026-10-01,USD,1.00,,,open", "i300,,,c1,2026-09-01,2026-10-01,USD,1.00,,,open\r", "\r",
      "i300,\r,c1,2026-09-01,2026-10-01,USD,1.00,,,open",
    ])
  func loneCarriageReturn(_ line: String) throws {
    let header = "id,number,kind,customer,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status"
    var rows: [String] = []
    for k in 0..<400 { rows.append("i\(k),,,c\(k % 3 + 1),2026-09-01,2026-10-01,USD,\(k).50,,,open") }
    rows[300] = line
    let p = try Run.plan(CollectionsTests.basic)
    let dir = try Run.folder(["customers.csv": Dun.customers, "invoices.csv": header + "\r\n" + rows.joined(separator: "\r\n") + "\r\n"])
    let (one, i1) = Dataset.load(folder: dir, plan: p)
    let (two, i2) = Dataset.load(folder: dir, plan: p, parallelInvoicesAt: 1)
    #expect(i1 == i2, "\(i1) vs \(i2)")
    #expect(one.invoices.map(\.id) == two.invoices.map(\.id))
  }
}

@Suite("Collections on two threads")
struct ParallelCollectionsTests {
  @Test("two threads give exactly one pass's reminders, in the same order")
  func identical() throws {
    let dir = TemporaryPaths.make("accrue-dun")
    try DataGenerator.write(DataGeneratorOptions(contracts: 400, events: 100, openInvoices: 4_000, payments: 10, seed: 5), to: dir)
    let (plan, data) = CLITestsRoot.load(dir)
    let asOf = try #require(CivilDate.parse("2026-11-01"))
    let one = Collections.run(plan: plan, data: data, asOf: asOf, parallelAt: .max)
    let two = Collections.run(plan: plan, data: data, asOf: asOf, parallelAt: 1)
    #expect(one.reminders.count > 100)
    #expect(one.reminders.map(\.key) == two.reminders.map(\.key))
    #expect(one.reminders.map(\.total) == two.reminders.map(\.total))
    #expect(one.reminders.map { CollectionsSentences.sentences($0.explanation) } == two.reminders.map { CollectionsSentences.sentences($0.explanation) })
    #expect(one.reminders.map { $0.actions.map(\.amount) } == two.reminders.map { $0.actions.map(\.amount) })
    #expect(one.failures == two.failures)
  }
}

@Suite("Collections: review fixes")
struct CollectionsReviewTests {
  @Test("journal keys with tabs, newlines and ';' come back exactly")
  func escaping() {
    let d = CivilDate.parse("2026-11-01")!
    let item = JournalItem.reminder(
      SentReminder(key: "i\t1;x%y/std/first", date: d, customer: "c\n1", cadence: "std", step: "first", invoices: ["i\t1;x%y", "b"], contacted: false))
    let j = Journal.parse(Journal.encode(run: 1, asOf: d, folder: "run-0001", items: [item]))
    #expect(j.items == [item])
  }

  @Test("a damaged line with committed runs after it is an error, not a torn tail")
  func damagedMiddle() throws {
    let d = CivilDate.parse("2026-11-01")!
    var bytes = Journal.encode(run: 1, asOf: d, folder: "run-0001", items: [JournalTests.item("a")])
    bytes += Journal.encode(run: 2, asOf: d, folder: "run-0002", items: [JournalTests.item("b")])
    bytes[12] ^= 0x01  // inside run 1's item line
    #expect(Journal.parse(bytes).damagedLine == 1)
    let dir = TemporaryPaths.make("accrue-j")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: dir + "/journal.log", contents: Data(bytes))
    #expect(throws: JournalError.self) { try LedgerStore.read(stateDir: dir) }
  }

  @Test("a run folder left by a crash before its commit is removed by the next apply, whatever its date")
  func leftoverFolder() throws {
    let base = TemporaryPaths.make("accrue-left")
    let fm = FileManager.default
    try fm.createDirectory(atPath: base + "/state", withIntermediateDirectories: true)
    try "s1\n".write(toFile: base + "/state/state-id", atomically: true, encoding: .utf8)
    try fm.createDirectory(atPath: base + "/out/run-0001-2026-11-05", withIntermediateDirectories: true)
    try "s1 1\n".write(toFile: base + "/out/run-0001-2026-11-05/.accrue-run", atomically: true, encoding: .utf8)
    let folder = try Apply.commit(
      stateDir: base + "/state", outDir: base + "/out", journal: Journal(),
      record: LedgerRecord(run: 0, asOf: CivilDate.parse("2026-11-06")!, folder: "", items: [JournalTests.item("a")], recordedAt: "test"),
      files: Apply.Files([("x.txt", [1])]))
    #expect(folder == "run-0001-2026-11-06")
    #expect(try fm.contentsOfDirectory(atPath: base + "/out").filter { !$0.hasPrefix(".") } == ["run-0001-2026-11-06"])
  }

  @Test("a leftover run folder is renamed before it is removed: one killed half-way through its removal is removed next time")
  func leftoverHalfRemoved() throws {
    let base = TemporaryPaths.make("accrue-left")
    let fm = FileManager.default
    try fm.createDirectory(atPath: base + "/state", withIntermediateDirectories: true)
    try "s1\n".write(toFile: base + "/state/state-id", atomically: true, encoding: .utf8)
    try fm.createDirectory(atPath: base + "/out/.tmp-run-removing-run-0001-2026-11-05", withIntermediateDirectories: true)
    try "s1\n".write(toFile: base + "/out/.accrue-out", atomically: true, encoding: .utf8)
    // What a removal killed after the mark went leaves: some files, no mark.
    try "x".write(toFile: base + "/out/.tmp-run-removing-run-0001-2026-11-05/invoices.csv", atomically: true, encoding: .utf8)
    try fm.createDirectory(atPath: base + "/out/run-0001-2026-11-05", withIntermediateDirectories: true)
    try "s1 1\n".write(toFile: base + "/out/run-0001-2026-11-05/.accrue-run", atomically: true, encoding: .utf8)
    let folder = try Apply.commit(
      stateDir: base + "/state", outDir: base + "/out", journal: Journal(),
      record: LedgerRecord(run: 0, asOf: CivilDate.parse("2026-11-06")!, folder: "", items: [JournalTests.item("a")], recordedAt: "test"),
      files: Apply.Files([("x.txt", [1])]))
    #expect(folder == "run-0001-2026-11-06")
    #expect(try fm.contentsOfDirectory(atPath: base + "/out").filter { $0 != ".accrue-out" }.sorted() == ["run-0001-2026-11-06"])
  }

  @Test("one apply at a time per state folder")
  func lock() throws {
    let dir = TemporaryPaths.make("accrue-lock")
    let held = try StateLock.acquire(stateDir: dir)
    #expect(throws: JournalError.self) { try StateLock.acquire(stateDir: dir) }
    withExtendedLifetime(held) {}
  }

  @Test("the minimum gap counts only reminders that sent the customer something")
  func gapCountsMessagesOnly() throws {
    let (rules, files) = (CollectionsTests.gapRules, CollectionsTests.gapFiles)
    var task = CollectionsTests.sent("x/gap/call", "2026-11-03", "c1", "call", ["x"], cadence: "gap")
    task.contacted = false
    #expect(Dun.keys(try Dun.run(rules, files, asOf: "2026-11-05", history: [task])) == ["i1/gap/a"])
    task.contacted = true
    #expect(try Dun.run(rules, files, asOf: "2026-11-05", history: [task]).reminders.isEmpty)
  }

  @Test("each cadence's conditions see the balance its own 'pause on dispute' defines")
  func disputedSelection() throws {
    let rules = """
      cadence big {
        currency USD
        applies when invoice.balance > 500.00 USD
        step a 1 day after due { send email "big" }
      }
      cadence rest {
        pause on dispute
        step a 1 day after due { send email "rest" }
      }
      """
    // 1,000.00 with 600.00 disputed: 'big' (no pause on dispute) sees 1,000.00.
    let files = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-01,2026-11-02,USD,1000.00,,600.00,open"])]
    let r = try Dun.run(rules, files, asOf: "2026-11-04")
    #expect(Dun.keys(r) == ["i1/big/a"])
    #expect(r.reminders.first?.total.description == "1000")
  }

  @Test("declared field defaults apply where data omits the value (customers, invoices, and invoices without values)")
  func fieldDefaults() throws {
    let rules = """
      field customer.tier: text = "gold"
      field invoice.channel: text = "portal"
      cadence gold {
        applies when customer.tier = "gold" and invoice.channel = "portal"
        step a 1 day after due { send email "gold" }
      }
      cadence rest {
        step a 1 day after due { send email "rest" }
      }
      """
    let files = ["invoices.csv": Dun.invoices(["i1,c1,2026-10-01,2026-11-02,USD,100.00,,,open"])]
    #expect(Dun.keys(try Dun.run(rules, files, asOf: "2026-11-04")) == ["i1/gold/a"])
    // An invoice without values (as a forecast adds) reads the defaults too.
    let p = try Run.plan(rules)
    let (data, _) = Dataset.load(folder: try Run.folder(files.merging(["customers.csv": Dun.customers]) { a, _ in a }), plan: p)
    var extra = data.invoices[0]
    extra.id = "new"
    extra.custom = []
    let r = Collections.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-04")!, extraInvoices: [extra])
    #expect(Set(Dun.keys(r)) == ["i1/gold/a", "new/gold/a"])
  }
}

@Suite("Rule test files")
struct RuleTestFileTests {
  @Test("keys with spaces are quoted and read back; trailing words and path-like table names are errors")
  func parsing() throws {
    let e = RuleExpectation.invoiceTotal(key: "k 1/2026-11-01", amount: Fixed(45), currency: .USD)
    #expect(e.text == "expect invoice \"k 1/2026-11-01\" total 45.00 USD")
    let spec = try RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\n" + e.text + "\n").get()
    #expect(spec.expectations.map(\.expectation) == [e])
    #expect(RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\nexpect invoices 1 junk\n").failure?.message == "unexpected 'junk' after the expectation")
    #expect(RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\ndata ../victim.csv\na,b\n").failure?.line == 3)
  }

  @Test("a '#' that begins a word outside quotes starts a trailing comment (it was rejected after expect lines)")
  func trailingComments() throws {
    let text = """
      test "t"  # the name
      rules ..  # the company's rules
      as of 2026-11-01 # the run date
      data customers.csv   # an inline table: '#' is data there
      id,name
      c1,Order #1 Ltd

      expect invoices 1  # one invoice
      expect invoice k1/2026-11-01 line "Seats # 3" 45.00 # a '#' in quotes is kept
      expect match stmt-1a2b#2 applied	# a '#' inside a word is kept
      expect no reminder INV-1/standard/first_reminder #
      # a comment line
      """
    let spec = try RuleTestSpec.parse(text).get()
    #expect(spec.name == "t")
    #expect(spec.rules == "..")
    #expect(spec.asOf.description == "2026-11-01")
    #expect(spec.tables.map(\.name) == ["customers.csv"])
    #expect(spec.tables.first?.text == "id,name\nc1,Order #1 Ltd\n")
    #expect(
      spec.expectations.map(\.expectation.text) == [
        "expect invoices 1", "expect invoice k1/2026-11-01 line \"Seats # 3\" 45.00", "expect match stmt-1a2b#2 applied",
        "expect no reminder INV-1/standard/first_reminder",
      ])
    #expect(spec.expectations.map(\.line) == [8, 9, 10, 11])
    // Words after an expectation are still an error; a '#' glued to a word is not a comment.
    #expect(RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\nexpect invoices 1 junk # c\n").failure?.message == "unexpected 'junk' after the expectation")
    #expect(RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\nexpect invoices 1#c\n").failure != nil)
  }

  @Test("lines kept by --update include data tables written after the first expectation; CR LF files read")
  func preamble() throws {
    let text = "test \"t\"\r\nas of 2026-11-01\r\nexpect invoices 0\r\ndata customers.csv\r\nid,name\r\nc1,A\r\n"
    let spec = try RuleTestSpec.parse(text).get()
    #expect(spec.preamble == ["test \"t\"", "as of 2026-11-01", "data customers.csv", "id,name", "c1,A"])
    #expect(spec.tables.map(\.name) == ["customers.csv"])
  }
}

extension Result {
  var failure: Failure? {
    if case .failure(let e) = self { return e }
    return nil
  }
}

@Suite("Match rules compiled")
struct MatchRuleCompileTests {
  @Test("the bundled match rules compile in rule order with their stages")
  func bundled() throws {
    let load = RuleSetLoader.load(paths: [CLITestsRoot.rules.path])
    let (results, _) = Frontend.check(load)
    let plan = PlanCompiler.compile(results[0].1.program, sources: load.sources)
    let names = plan.matchRules.map(\.name)
    #expect(Array(names.prefix(4)) == ["invoice_number", "structured_reference", "amount_only", "oldest_first_usd"])
    let first = plan.matchRules[0]
    #expect(first.anyCustomer && first.sameCurrency && first.allocation == [.exactSingle])
    #expect(first.patterns.count == 1 && first.patterns[0].sources == [.remittance])
    #expect(first.underpayment.count == 1 && first.overpayment.count == 1)
    #expect(first.outcomes[.underpaymentBeyond] == .exception(queue: "cash-apps", reason: "Short payment against a named invoice"))
    #expect(first.confidenceAuto)
    let amountOnly = plan.matchRules[2]
    #expect(amountOnly.payer == [.account, .name] && !amountOnly.anyCustomer && amountOnly.lookBackDays == 180 && !amountOnly.confidenceAuto)
    let usd = plan.matchRules[3]
    #expect(usd.currency == .USD && usd.allocation == [.exactSubset(3), .oldestFirst])
    // The invoice-number pattern finds the year and sequence number in remittance text.
    let found = first.patterns[0].pattern.allMatches(in: "Payment for inv 2026-0004512, thanks")
    #expect(found.first?.groups.first ?? nil == "2026-0004512")
  }
}

@Suite("Payments data")
struct PaymentsDataTests {
  static let fixtures = CLITestsRoot.repo.appendingPathComponent("Tests/AccrueImportTests/Fixtures").path

  static func load(_ files: [String: String], statements: [String: String]) throws -> (Dataset, [DataIssue]) {
    let dir = try Run.folder(files)
    try FileManager.default.createDirectory(atPath: dir + "/statements", withIntermediateDirectories: true)
    for (name, fixture) in statements { try FileManager.default.copyItem(atPath: Self.fixtures + "/" + fixture, toPath: dir + "/statements/" + name) }
    return Dataset.load(folder: dir, plan: try Run.plan(CollectionsTests.basic))
  }

  @Test("payments.csv and every statement in statements/, sorted by date and id whatever the file names; accounts.csv maps IBANs")
  func load() throws {
    let files = [
      "customers.csv": Dun.customers,
      "payments.csv": "id,booking_date,amount,currency,remittance\np1,2026-11-05,10.00,USD,INV-1\n",
      "accounts.csv": "customer,account\nc2,DE02 1203 0000 0000 2020 51\n",
    ]
    let (a, i1) = try Self.load(files, statements: ["a.xml": "camt053_v02.xml", "b.sta": "mt940_two_statements.sta"])
    let (b, _) = try Self.load(files, statements: ["z.xml": "camt053_v02.xml", "y.sta": "mt940_two_statements.sta"])
    #expect(i1.isEmpty, "\(i1)")
    #expect(a.cash.payments.count == 1 + 4 + 3)
    #expect(a.cash.payments.map(\.transaction.amount) == b.cash.payments.map(\.transaction.amount))
    #expect(a.cash.payments.map(\.transaction.bookingDate) == a.cash.payments.map(\.transaction.bookingDate).sorted())
    #expect(a.cash.accounts[CashData.account("de02120300000000202051")] == 1)
  }

  @Test("payments.csv and accounts.csv: the reader's issues first, then the rows', each located")
  func paymentAndAccountIssues() throws {
    let payments = """
      id,booking_date,amount,currency,payer_account
      p1,2026-11-05,1.00,USD,DE01
      p2,2026-11-05,1.001,USD,
      p1,2026-11-06,2.00,USD,
      p3,2026-13-01,2.00,USD,
      p4,2026-11-07,3.00,USD,

      """
    let accounts = "customer,account\nc1,DE01\nnobody,DE02\nc2,de 01\nc1,\nc3,DE03\n"
    let (data, issues) = try Self.load(["customers.csv": Dun.customers, "payments.csv": payments, "accounts.csv": accounts], statements: [:])
    #expect(issues.map { "\($0.file.split(separator: "/").last!) \($0.code) \($0.line):\($0.column)" } == [
      "payments.csv D0208 3:15", "payments.csv D0204 5:4", "payments.csv D0304 4:1",
      "accounts.csv D0203 5:4", "accounts.csv D0301 3:1", "accounts.csv D0304 4:4",
    ])
    #expect(data.cash.payments.map(\.id) == ["p1", "p4"])
    #expect(data.cash.payments[0].transaction.source.hasSuffix("payments.csv:2"))
    #expect(data.cash.accounts == ["DE01": 0, "DE03": 2])
  }

  @Test("a malformed statement is a located data issue (D0105); a duplicate payment id too")
  func bad() throws {
    let (_, issues) = try Self.load(
      ["customers.csv": Dun.customers, "payments.csv": "id,booking_date,amount,currency\np1,2026-11-05,1.00,USD\np1,2026-11-06,2.00,USD\n"],
      statements: ["x.sta": "mt940_broken.sta"])
    #expect(issues.map(\.code) == ["D0304", "D0105"])
    #expect(issues[1].line == 3 && issues[1].file.hasSuffix("statements/x.sta"))
  }
}

@Suite("Rule test expectations")
struct RuleExpectationTests {
  static let forms = [
    "expect invoice k1/2026-11-01 subtotal 100.00", "expect invoice k1/2026-11-01 tax 20.00",
    "expect invoice k1/2026-11-01 tax \"VAT\" 20.00", "expect invoice k1/2026-11-01 due 2026-12-01",
    "expect invoice k1/2026-11-01 issued 2026-11-01", "expect invoice k1/2026-11-01 lines 1",
    "expect invoice k1/2026-11-01 early payment discount 2.40 until 2026-11-11",
    "expect invoice k1/2026-11-01 installment 2 60.00 due 2026-12-31", "expect reminder i1/std/a action \"task\"",
    "expect reminder i1/std/a action \"late fee\" 25.00", "expect reminder i1/std/a covers i2",
    "expect match p1 write off 1.50", "expect match p1 credit 3.00", "expect match p1 unapplied 4.00",
    "expect match p1 discount 2.40", "expect match p1 unapplied", "expect match p1 unapplied queue \"q\"",
    "expect credit notes 2", "expect credit note credit-note:c1/2026-03-01:cancellation total 295.08 EUR",
    "expect no credit note credit-note:c1/2026-03-01:cancellation",
  ]

  @Test("every form reads back as written", arguments: forms)
  func roundTrip(_ line: String) throws {
    let spec = try RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\n" + line + "\n").get()
    #expect(spec.expectations.map(\.expectation.text) == [line])
  }

  @Test("an amount with more decimals than its currency has is a syntax error of the test, not a failure", arguments: [
    "expect credit note k total 206.561 EUR", "expect invoice k1/2026-11-01 total 10.5 JPY", "expect total 1.001 USD",
  ])
  func tooPrecise(_ line: String) throws {
    guard case .failure(let e) = RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\n" + line + "\n") else {
      Issue.record("parsed: \(line)")
      return
    }
    #expect("\(e)".contains("has more decimals than"), "\(e)")
  }

  @Test("an invoice's tax, due date, installments and early-payment discount are checked against the run")
  func invoiceFigures() throws {
    let rules = """
      currency USD
      plan p {
        period monthly
        align to calendar
        payment terms installments {
          50% net 30 days
          50% net 60 days
        }
        early payment discount 2% within 10 days
        tax "VAT" 20% exclusive
        charge c { flat 100.00 USD }
      }
      """
    let (r, issues) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-11-01\n"], asOf: "2026-11-01")
    #expect(issues.isEmpty)
    func check(_ line: String) throws -> String? {
      let spec = try RuleTestSpec.parse("test \"t\"\nas of 2026-11-01\n" + line + "\n").get()
      return spec.expectations[0].expectation.failure(r, nil)
    }
    #expect(try check("expect invoice k1/2026-11-01 subtotal 100.00") == nil)
    #expect(try check("expect invoice k1/2026-11-01 tax 20.00") == nil)
    #expect(try check("expect invoice k1/2026-11-01 tax \"VAT\" 20.00") == nil)
    #expect(try check("expect invoice k1/2026-11-01 tax \"GST\" 20.00") == "no tax \"GST\"; its taxes: \"VAT\"")
    #expect(try check("expect invoice k1/2026-11-01 tax 19.99") == "tax 20.00 USD")
    #expect(try check("expect invoice k1/2026-11-01 issued 2026-11-01") == nil)
    #expect(try check("expect invoice k1/2026-11-01 lines 1") == nil)
    #expect(try check("expect invoice k1/2026-11-01 installment 1 60.00 due 2026-12-01") == nil)
    #expect(try check("expect invoice k1/2026-11-01 installment 2 60.00 due 2026-12-31") == nil)
    #expect(try check("expect invoice k1/2026-11-01 installment 3 60.00 due 2026-12-31") == "2 installments")
    #expect(try check("expect invoice k1/2026-11-01 due 2026-12-02") == "due 2026-12-31")
    #expect(try check("expect invoice k1/2026-11-01 early payment discount 2.40 until 2026-11-11") == nil)
    #expect(try check("expect invoice k2/2026-11-01 due 2026-12-01") == "no invoice k2/2026-11-01")
  }
}

/// `apply` never deletes what its state folder did not write, refuses another state's out folder, and refuses a
/// journal that lost runs or was damaged (issue "Hostile and broken input").
@Suite("Apply: ownership and damaged journals")
struct ApplyOwnershipTests {
  static func commit(_ base: String, asOf: String = "2026-11-06", journal: Journal = Journal(), state: String = "/state") throws -> String? {
    try Apply.commit(
      stateDir: base + state, outDir: base + "/out", journal: journal,
      record: LedgerRecord(run: 0, asOf: CivilDate.parse(asOf)!, folder: "", items: [JournalTests.item(asOf)], recordedAt: "test"),
      files: Apply.Files([("x.txt", [1])]))
  }

  @Test("folders the state did not write are never deleted, whatever their names")
  func othersKept() throws {
    let base = TemporaryPaths.make("accrue-own")
    let fm = FileManager.default
    for name in ["run-notes", "run-0001-2026-11-05", "run-0007-2025-01-01"] {
      try fm.createDirectory(atPath: base + "/out/" + name, withIntermediateDirectories: true)
    }
    #expect(try Self.commit(base) == "run-0001-2026-11-06")
    #expect(try fm.contentsOfDirectory(atPath: base + "/out").filter { !$0.hasPrefix(".") }.sorted()
      == ["run-0001-2026-11-05", "run-0001-2026-11-06", "run-0007-2025-01-01", "run-notes"])
  }

  @Test("an out folder of another state folder is refused (a fresh or mistyped --state wiped earlier runs)")
  func otherState() throws {
    let base = TemporaryPaths.make("accrue-own")
    #expect(try Self.commit(base) != nil)
    #expect(throws: JournalError.self) { try Self.commit(base, asOf: "2026-11-07", state: "/other-state") }
    #expect(FileManager.default.fileExists(atPath: base + "/out/run-0001-2026-11-06/x.txt"))
  }

  @Test("runs on disk the ledger does not list (more than a crash leaves) mean a lost ledger: refused")
  func lostJournal() throws {
    let base = TemporaryPaths.make("accrue-own")
    let first = try #require(try Self.commit(base))
    let journal = try LedgerStore.read(stateDir: base + "/state")
    _ = try Self.commit(base, asOf: "2026-11-07", journal: journal)
    // The ledger is lost: run 1 and run 2 are on disk, unlisted.
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: base + "/state/" + LedgerStore.fileName + suffix) }
    let error = #expect(throws: JournalError.self) { try Self.commit(base, asOf: "2026-11-08", journal: try LedgerStore.read(stateDir: base + "/state")) }
    #expect(error?.message.contains("has lost runs it recorded") == true)
    #expect(FileManager.default.fileExists(atPath: base + "/out/\(first)/x.txt"))
  }

  @Test("a whole journal line that does not read (a flipped byte, garbage) is damage, even the last one")
  func damagedLastLine() throws {
    let d = CivilDate.parse("2026-11-01")!
    var bytes = Journal.encode(run: 1, asOf: d, folder: "run-0001", items: [JournalTests.item("a")])
    bytes[bytes.count - 5] ^= 0x01  // inside the commit line
    #expect(Journal.parse(bytes).damagedLine == 2)
    #expect(Journal.parse(Array("garbage\n".utf8)).damagedLine == 1)
    // A line cut short by a crash (no line end) is a torn tail, not damage.
    let torn = Journal.encode(run: 1, asOf: d, folder: "run-0001", items: [JournalTests.item("a")]).dropLast(3)
    #expect(Journal.parse(Array(torn)).damagedLine == nil)
  }
}
