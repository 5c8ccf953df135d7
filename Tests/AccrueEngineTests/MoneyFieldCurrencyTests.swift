import AccrueCore
import AccrueData
import AccrueModel
import AccrueRun
import Foundation
import Testing

/// A custom `money` field of the payment left empty, or absent from a bank statement's payments, is zero in the
/// payment's own currency (grammar.md §5: "a plain money field in the row's currency column"), as it is for
/// customers, contracts and invoices. Before, it was zero USD whatever the payment's currency, and a rule that
/// `check` accepted (`currency EUR` ... `when payment.bank_fee = 0.00 EUR`) stopped the run on every EUR payment
/// with "amounts in USD and EUR cannot be combined".
@Suite("Payment fields: an empty money field")
struct PaymentFieldDefaultTests {
  static let rules = """
    field payment.bank_fee: money
    match fee_free "No bank fee" {
      currency EUR
      when payment.bank_fee = 0.00 EUR
      candidates open invoices of any customer, same currency
      allocate exact single
      on no match: exception to queue "fee-free"
      confidence suggest
    }
    match rest "The rest" {
      candidates open invoices of any customer, same currency
      allocate exact single
      on no match: exception to queue "rest"
      confidence suggest
    }
    """

  @Test("zero in the payment's currency, from payments.csv and from a bank statement; a declared default stands")
  func zeroInThePaymentsCurrency() throws {
    let dir = try Run.folder([
      "customers.csv": "id,name\nc1,One\n",
      "payments.csv": """
        id,booking_date,amount,currency,payer_name,bank_fee
        e1,2026-11-03,10.00,EUR,Payer,
        e2,2026-11-03,11.00,EUR,Payer,0.40
        j1,2026-11-03,500,JPY,Payer,

        """,
    ])
    try FileManager.default.createDirectory(atPath: dir + "/statements", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: PaymentsDataTests.fixtures + "/camt053_v02.xml", toPath: dir + "/statements/nov.xml")
    let plan = try Run.plan(Self.rules)
    let (data, issues) = Dataset.load(folder: dir, plan: plan)
    #expect(issues.isEmpty, "\(issues)")
    let csv = Dictionary(uniqueKeysWithValues: data.cash.payments.filter { $0.id.count == 2 }.map { ($0.id, $0.custom) })
    #expect(csv["e1"] == [.money(.zero, .EUR)])
    #expect(csv["e2"] == [.money(Fixed("0.40")!, .EUR)])
    #expect(csv["j1"] == [.money(.zero, .JPY)])

    let out = Produce.run(plan: plan, data: data, asOf: CivilDate.parse("2026-11-10")!, only: .matches)
    #expect(out.failures.isEmpty, "\(out.failures.map(\.message))")
    let queues = try #require(out.cash).applications.map { "\($0.paymentID) \($0.currency.code) \($0.queue ?? "-")" }
    let statement = queues.filter { !["e1", "e2", "j1"].contains(String($0.prefix(while: { $0 != " " }))) }
    #expect(queues.contains("e1 EUR fee-free") && queues.contains("e2 EUR rest") && queues.contains("j1 JPY rest"), "\(queues)")
    // (The statement's return of a payment goes to the returns queue before any rule.)
    let credits = statement.filter { !$0.hasSuffix(" returns") }
    #expect(credits.count == 3 && credits.allSatisfy { $0.hasSuffix(" EUR fee-free") }, "\(statement)")

    // A declared default is the value of every payment that leaves the field empty, as stated.
    let declared = try Run.plan("field payment.bank_fee: money = 1.00 EUR\n" + Self.rules.split(separator: "\n").dropFirst().joined(separator: "\n"))
    let j1 = Dataset.load(folder: dir, plan: declared).0.cash.payments.first { $0.id == "j1" }
    #expect(j1?.custom == [.money(Fixed("1.00")!, .EUR)])
  }
}

/// A usage event's custom `money` field, in a row without a currency, is in its contract's currency (the plan's),
/// as a contract's own money fields are. Before, it was in USD whatever the plan's currency: a EUR plan's metric
/// `where event.fee = [0.00 EUR, 0.00 GBP]` stopped the run ("there is no amount in USD among the amounts per
/// currency") on every event that gave no currency, and a USD amount was read where the plan meant euros.
@Suite("Usage fields: a money field without the row's currency")
struct EventMoneyFieldTests {
  @Test("in the contract's currency; a row's own currency stands")
  func contractsCurrency() throws {
    let rules = """
      currency EUR
      field event.fee: money
      metric free_calls {
        event "call"
        count
        where event.fee = [0.00 EUR, 0.00 GBP]
      }
      plan p {
        period monthly
        align to calendar
        bill in arrears
        charge c {
          usage free_calls
          per unit 1.00 EUR
        }
      }
      """
    let usage = """
      id,customer,contract,date,name,currency,fee
      e1,cust-1,k1,2026-10-02,call,,
      e3,cust-1,k1,2026-10-04,call,EUR,
      e4,cust-1,k1,2026-10-05,call,GBP,
      e5,cust-1,k1,2026-10-06,call,GBP,0.10

      """
    let (r, issues) = try Run.billing(
      rules,
      ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n", "usage.csv": usage],
      asOf: "2026-11-01")
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.failures.isEmpty, "\(r.failures.map(\.message))")
    // e1 (no currency, empty: 0.00 EUR), e3 (EUR, empty) and e4 (GBP, empty) are free calls; e5 (0.10 GBP) is not.
    // (A fee given without the row's currency is a data error, D0203, as it was.)
    let inv = try #require(r.invoices.first)
    #expect(inv.lines.map(\.amount.description) == ["3"], "\(inv.lines.map(\.description))")
  }
}
