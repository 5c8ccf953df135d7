import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// Interest stated per month (`interest 1.5% per month`) and interest charged by two steps of a cadence: each late
/// day is charged once, however many steps charge interest (grammar.md §6.4, §7).
@Suite("Interest: per month, each late day charged once")
struct InterestTests {
  /// 10,000.00 USD due Thursday 2026-10-01; step 'early' 15 days after due (Friday 10-16), step 'late' 45 days
  /// after due (Sunday 11-15, moved to Monday 11-16). Both charge 1.5% a month (18% a year) by 30/360.
  static let rules = """
    currency USD
    rounding half even
    cadence standard {
      step early 15 days after due {
        send email "overdue-1"
        interest 1.5% per month 30/360
      }
      step late 45 days after due {
        send email "overdue-2"
        interest 1.5% per month 30/360
      }
    }
    """

  static let files = [
    "customers.csv": "id,name,billing_email\nc1,Acme,ap@acme.example\n",
    "invoices.csv": "id,customer,issue_date,due_date,currency,amount\nINV-1,c1,2026-09-01,2026-10-01,USD,10000.00\n",
  ]

  /// The interest actions of the reminders on INV-1: "KEY AMOUNT". (The first run's debit note is dunned too, from
  /// the second run on; fees bear no interest.)
  static func interest(_ o: RunOutput) -> [String] {
    onInvoice(o).flatMap { r in
      r.actions.filter { $0.kind == .interest }.map { "\(r.key) \($0.amount?.formatted(places: 2) ?? "none")" }
    }
  }

  static func onInvoice(_ o: RunOutput) -> [Reminder] {
    (o.collections?.reminders ?? []).filter { r in r.invoices.contains { $0.id == "INV-1" } }
  }

  /// Produces as of `date` over the ledger in `base` and records the run, as `accrue apply` does.
  static func apply(_ base: String, _ plan: ExecutablePlan, _ data: Dataset, _ date: String) throws -> RunOutput {
    let journal = try LedgerStore.read(stateDir: base + "/state")
    let asOf = try #require(CivilDate.parse(date))
    let output = Produce.run(plan: plan, data: data, asOf: asOf, journal: journal, finalNumbers: true)
    try #require(output.failures.isEmpty, "\(output.failures)")
    _ = try Apply.commit(
      stateDir: base + "/state", outDir: base + "/out", journal: journal, record: Produce.record(output, recordedAt: "test"),
      files: Apply.Files([("x.txt", [1])]))
    return output
  }

  @Test("two interest steps, 15 and 45 days after due, charge disjoint days: 15 + 30 = the 45 of one charge")
  func twoStepsDisjointDays() throws {
    let plan = try Run.plan(Self.rules)
    let (data, issues) = Dataset.load(folder: try Run.folder(Self.files), plan: plan)
    try #require(issues.isEmpty, "\(issues)")
    let base = TemporaryPaths.make("accrue-interest")

    // 2026-10-16: 30/360 counts 15 days from 10-01: 10,000 x 18% x 15/360 = 75.00.
    let first = try Self.apply(base, plan, data, "2026-10-16")
    #expect(Self.interest(first) == ["INV-1/standard/early 75.00"])

    // 2026-11-16: the ledger's fee charged interest through 10-16, so only 10-16 to 11-16 is charged: 30 days by
    // 30/360 (31 calendar days), 10,000 x 18% x 30/360 = 150.00. From the due date it would be 225.00.
    let second = try Self.apply(base, plan, data, "2026-11-16")
    #expect(Self.interest(second) == ["INV-1/standard/late 150.00"])
    let steps = Self.onInvoice(second).first?.actions.first { $0.kind == .interest }?.explanation ?? []
    #expect(CollectionsSentences.sentences(steps).contains("INV-1: 10,000.00 USD x 31 days since 2026-10-16 (30 by 30/360) = 150"))

    // Together the two steps charge what one charge over the 45 days would: 75.00 + 150.00 = 225.00.
    let fresh = Produce.run(plan: plan, data: data, asOf: try #require(CivilDate.parse("2026-11-16")))
    #expect(Self.interest(fresh) == ["INV-1/standard/late 225.00"])
    let fees = try LedgerStore.read(stateDir: base + "/state").fees.filter { $0.kind == .interest }
    #expect(fees.map { "\($0.date) \($0.amount.formatted(places: 2))" } == ["2026-10-16 75.00", "2026-11-16 150.00"])
  }

  @Test("an earlier charge through a later day than the due date: interest only after it (Collections.run)")
  func chargedThroughFromData() throws {
    let plan = try Run.plan(Self.rules)
    var (data, _) = Dataset.load(folder: try Run.folder(Self.files), plan: plan)
    // Charged through 2026-11-01 already: 30/360 from 11-01 to 11-16 is 15 days, 10,000 x 18% x 15/360 = 75.00.
    data.collections.interestChargedThrough["INV-1"] = CivilDate.parse("2026-11-01")
    let r = Collections.run(plan: plan, data: data, asOf: try #require(CivilDate.parse("2026-11-16")))
    #expect(r.reminders.flatMap(\.actions).filter { $0.kind == .interest }.map(\.amount) == [Fixed(75)])
    // Charged through the run's date or later: nothing left to charge.
    data.collections.interestChargedThrough["INV-1"] = CivilDate.parse("2026-11-16")
    let none = Collections.run(plan: plan, data: data, asOf: try #require(CivilDate.parse("2026-11-16")))
    #expect(none.reminders.flatMap(\.actions).filter { $0.kind == .interest }.map(\.amount) == [Fixed.zero])
  }

  @Test("the explanation states the monthly rate and the annual rate it accrues at")
  func explanationWording() throws {
    let plan = try Run.plan(Self.rules)
    let (data, _) = Dataset.load(folder: try Run.folder(Self.files), plan: plan)
    let r = Collections.run(plan: plan, data: data, asOf: try #require(CivilDate.parse("2026-10-16")))
    let steps = r.reminders.first?.actions.first { $0.kind == .interest }?.explanation ?? []
    let sentences = CollectionsSentences.sentences(steps)
    #expect(sentences.first?.hasPrefix("interest at 1.5% a month (18% a year), 30/360, from step early") == true, "\(sentences)")
  }
}
