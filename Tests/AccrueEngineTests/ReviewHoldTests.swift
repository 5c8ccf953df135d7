import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// A payment an earlier `apply` recorded as waiting for review (a short payment held in a queue, a suggested match)
/// holds its invoices' dunning in later runs too, until a person decides (grammar.md §8, "Dunning sees the cash").
/// Before, only the run that matched it held them: the next apply reminded the customer, and charged the cadence's
/// late fee, while the payment that nearly paid the invoice still sat in the queue.
@Suite("Dunning: a payment waiting for review across runs")
struct ReviewHoldTests {
  static let rules = """
    currency EUR
    cadence standard {
      step first 7 days after due { send email "first" }
      step fee 21 days after due {
        send email "second"
        late fee 7.00 EUR
      }
    }
    match named "Invoice id in remittance" {
      reference pattern /INV-[0-9]+/ in remittance
      candidates open invoices of any customer, same currency
      allocate exact single
      tolerance underpayment 1.00 EUR
      on underpayment beyond tolerance: exception to queue "cash" reason "Short"
      confidence auto
    }
    match amount "Amount only" {
      payer by name
      candidates open invoices of payer, same currency
      allocate exact single
      confidence suggest
    }
    """

  static let files = [
    "customers.csv": "id,name,billing_email\nc1,Hafen GmbH,ap@hafen.example\nc2,Kai AG,ap@kai.example\nc3,Ost KG,ap@ost.example\n",
    "invoices.csv": """
      id,customer,issue_date,due_date,currency,amount
      INV-1,c1,2026-09-01,2026-10-01,EUR,1100.00
      INV-2,c2,2026-09-01,2026-10-01,EUR,500.00
      INV-3,c3,2026-09-01,2026-10-01,EUR,300.00

      """,
    "payments.csv": """
      id,booking_date,amount,currency,payer_name,remittance
      p1,2026-10-21,1090.00,EUR,Hafen GmbH,INV-1 less fees
      p2,2026-10-21,500.00,EUR,Kai AG,

      """,
  ]

  /// The reminders on the invoices of the file (not those on the late fees' debit notes).
  static func reminded(_ o: RunOutput) -> [String] {
    (o.collections?.reminders ?? []).map(\.key).filter { $0.hasPrefix("INV-") && !$0.contains("debit-note") }.sorted()
  }

  @Test("held in every run until a person decides; the reason names the payment and the run that recorded it")
  func heldUntilResolved() throws {
    let plan = try Run.plan(Self.rules)
    let (data, issues) = Dataset.load(folder: try Run.folder(Self.files), plan: plan)
    try #require(issues.isEmpty, "\(issues)")
    let base = TemporaryPaths.make("accrue-review-hold")

    // Run 1 (2026-10-21): p1 is 10.00 short of INV-1 (held in "cash"), p2 is suggested for INV-2: both held; INV-3
    // gets its first reminder.
    let first = try InterestTests.apply(base, plan, data, "2026-10-21")
    #expect(first.collections?.waitingForReview == ["INV-1", "INV-2"])
    #expect(Self.reminded(first) == ["INV-3/standard/first"])
    // This run's own wait, in the same words (no run recorded it yet).
    let inRun = Produce.run(plan: plan, data: data, asOf: CivilDate.parse("2026-10-21")!, whyNot: "INV-2")
    let inRunSaid = CollectionsSentences.sentences(inRun.collections?.whyNot ?? []).joined(separator: "\n")
    #expect(inRunSaid.contains("payment p2 (500.00 EUR, booked 2026-10-21) is suggested for it by rule amount and waits for review"), "\(inRunSaid)")

    // Run 2 (2026-11-05): nothing new was paid and nobody decided: both stay held, with the fee step due.
    let second = try InterestTests.apply(base, plan, data, "2026-11-05")
    #expect(second.collections?.waitingForReview == ["INV-1", "INV-2"], "\(Self.reminded(second))")
    #expect(Self.reminded(second) == ["INV-3/standard/fee"])
    #expect(second.fees.count == 1)
    let c = try #require(second.collections)
    #expect(ReminderRenderer.summary(c).contains("2 invoices not reminded while a payment waits for review (INV-1, INV-2)"))
    let why = Produce.run(
      plan: plan, data: data, asOf: CivilDate.parse("2026-11-05")!, journal: try LedgerStore.read(stateDir: base + "/state"), whyNot: "INV-1")
    let said = CollectionsSentences.sentences(why.collections?.whyNot ?? []).joined(separator: "\n")
    #expect(said.contains("payment p1 (1,090.00 EUR, booked 2026-10-21) waits for review in queue cash since run 1: Short"), "\(said)")

    // A person applies p1 as it is (1,090.00 on INV-1) and confirms p2's suggestion: nothing waits any more. INV-1's
    // 10.00 still open is dunned from the next run on; INV-2 is paid.
    for (payment, action) in [("payment:p1", ResolutionRequest.Action.apply([("INV-1", nil)], writeOffShort: false, rest: nil)), ("payment:p2", .confirm)] {
      _ = try Decide.resolve(
        ResolutionRequest(payment: payment, action: action, by: "anna", note: ""), plan: plan, data: data, stateDir: base + "/state",
        asOf: CivilDate.parse("2026-11-06")!, recordedAt: "test")
    }
    let third = try InterestTests.apply(base, plan, data, "2026-11-07")
    #expect(third.collections?.waitingForReview == [])
    #expect(Self.reminded(third) == ["INV-1/standard/fee"])
    #expect(third.collections?.reminders.first?.total == Fixed("10.00"))
  }
}
