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

/// A customer's custom `money` field is in the row's `currency`, and in a row without one in the rule set's
/// `currency` (grammar.md §5); a `money EUR` field is in euros whatever the row's currency. Before, a customers.csv
/// row without a currency had its money in USD, whatever the rules said: a EUR plan's `when customer.deposit >
/// 100.00 EUR` stopped the run with "amounts in USD and EUR cannot be combined", and in a USD context it was silently
/// taken as dollars; a `money EUR` field's decimals were not checked at all.
@Suite("Customer fields: a money field and the customer's currency")
struct CustomerMoneyFieldTests {
  static func rules(top: String, deposit: String = "money") -> String {
    """
    \(top)
    field customer.deposit: \(deposit)
    field customer.credit_line: money EUR
    plan p {
      currency EUR
      period monthly
      align to calendar
      charge base { flat 100.00 EUR }
      discount "Deposit" 10.00 EUR when customer.deposit > 100.00 EUR
      discount "Credit line" 1.00 EUR when customer.credit_line > 50.00 EUR
    }
    """
  }

  static let contracts = "id,customer,plan,start_date\n" + (1...6).map { "k\($0),c\($0),p,2026-10-01" }.joined(separator: "\n") + "\n"

  static func totals(_ r: BillingResult) -> [String] {
    r.invoices.map { "\($0.contractID) \($0.lines.map(\.amount).reduce(Fixed.zero) { $0.adding($1) ?? $0 })" }.sorted()
  }

  @Test("in the row's currency, else the rules' top-level currency; a money EUR field in euros")
  func rulesCurrency() throws {
    let customers = """
      id,name,currency,deposit,credit_line
      c1,No currency,,150.00,60.25
      c2,Empty,,,
      c3,Euro,EUR,100.01,

      """
    let (r, issues) = try Run.billing(
      Self.rules(top: "currency EUR"), ["customers.csv": customers, "contracts.csv": Self.contracts.split(separator: "\n").prefix(4).joined(separator: "\n") + "\n"],
      asOf: "2026-11-01")
    #expect(issues.isEmpty, "\(issues.map(\.message))")
    #expect(r.failures.isEmpty, "\(r.failures.map(\.message))")
    // c1: 150.00 EUR > 100.00 and 60.25 EUR > 50.00: both discounts; c2: zero EUR, neither; c3: deposit only.
    #expect(Self.totals(r) == ["k1 89", "k2 100", "k3 90"], "\(Self.totals(r))")
  }

  @Test("decimals are checked against the field's currency: the row's, the rules', or its own")
  func decimals() throws {
    let customers = """
      id,name,currency,deposit,credit_line
      c1,No currency,,150.001,
      c2,Yen,JPY,1.5,
      c3,Yen,JPY,,60.255
      c4,Yen,JPY,150,60.25

      """
    let (data, issues) = Dataset.load(folder: try Run.folder(["customers.csv": customers]), plan: try Run.plan(Self.rules(top: "currency EUR")))
    let found = issues.filter { $0.code == "D0208" }.map { "\($0.line):\($0.column) \($0.message)" }
    // c4, a JPY customer: its deposit in yen, its credit line in euros (two decimals: not a JPY error).
    let c4 = try #require(data.customers.first { $0.id == "c4" }).record
    #expect(c4.contains(.money(Fixed("150")!, .JPY)) && c4.contains(.money(Fixed("60.25")!, .EUR)), "\(c4)")
    #expect(
      found == [
        "2:17 amount 150.001 in column 'deposit' has 3 decimals; EUR allows 2 (the rules' currency: the row gives none)",
        "3:12 amount 1.5 in column 'deposit' has 1 decimal; JPY allows 0",
        "4:13 amount 60.255 in column 'credit_line' has 3 decimals; EUR allows 2",
      ], "\(issues.map { "\($0.code) \($0.line):\($0.column) \($0.message)" })")
  }

  @Test("without a currency anywhere a value is D0203, and so is an empty field with no default; a default stands")
  func noCurrency() throws {
    let customers = """
      id,name,currency,deposit,credit_line
      c1,No currency,,150.00,60.25
      c2,Empty,,,
      c3,Euro,EUR,,

      """
    let files = ["customers.csv": customers, "contracts.csv": Self.contracts.split(separator: "\n").prefix(4).joined(separator: "\n") + "\n"]
    let (_, issues) = try Run.billing(Self.rules(top: ""), files, asOf: "2026-11-01")
    let found = issues.map { "\($0.code) \($0.line):\($0.column)" }
    #expect(found.prefix(2) == ["D0203 2:16", "D0203 3:11"], "\(issues.map { "\($0.code) \($0.line):\($0.column) \($0.message)" })")
    #expect(issues.first?.message.contains("required when 'deposit' is given") == true)
    #expect(issues.first?.message.contains("`currency EUR`") == true)
    #expect(issues.dropFirst().first?.message.contains("gives no currency and no 'deposit'") == true)

    // With a declared default, an empty field takes it (in its own currency); a value still needs a currency.
    let (r, more) = try Run.billing(Self.rules(top: "", deposit: "money = 150.00 EUR"), files, asOf: "2026-11-01")
    #expect(more.map { "\($0.code) \($0.line):\($0.column)" }.prefix(1) == ["D0203 2:16"])
    #expect(r.failures.isEmpty, "\(r.failures.map(\.message))")
  }

  @Test("customer.currency, and a currency field's default, of a row without one: the rules' currency, never USD")
  func customerCurrency() throws {
    func rules(_ top: String) -> String {
      """
      \(top)
      field customer.invoice_currency: currency
      plan p {
        currency EUR
        period monthly
        align to calendar
        charge base { flat 100.00 EUR }
        discount "Euro customer" 1.00 EUR when customer.currency = EUR
        discount "Euro invoices" 2.00 EUR when customer.invoice_currency = EUR
      }
      """
    }
    let customers = "id,name,currency\nc1,No currency,\nc2,Pound,GBP\n"
    let files = ["customers.csv": customers, "contracts.csv": Self.contracts.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"]
    // Stated: c1 is in EUR (both discounts), c2 in GBP (neither). Before, c1 was USD: neither, silently.
    let (r, issues) = try Run.billing(rules("currency EUR"), files, asOf: "2026-11-01")
    #expect(issues.isEmpty && r.failures.isEmpty, "\(issues.map(\.message)) \(r.failures.map(\.message))")
    #expect(Self.totals(r) == ["k1 97", "k2 100"], "\(Self.totals(r))")
    // Not stated: c1 is reported, at its empty currency, once (the currency first).
    let (_, more) = try Run.billing(rules(""), files, asOf: "2026-11-01")
    let d0203 = more.filter { $0.code == "D0203" }
    #expect(d0203.map { "\($0.line):\($0.column)" } == ["2:16"], "\(more.map(\.message))")
    #expect(d0203.first?.message.contains("the rules read customer.currency") == true)
    // Not read: nothing to report (the rules' top-level currency, or USD, is never seen).
    let unread = rules("").replacingOccurrences(of: "customer.currency = EUR", with: "customer.id = \"c9\"")
      .replacingOccurrences(of: "customer.invoice_currency = EUR", with: "customer.id = \"c8\"")
    let (_, none) = try Run.billing(unread, files, asOf: "2026-11-01")
    #expect(none.filter { $0.code == "D0203" }.isEmpty, "\(none.map(\.message))")
  }

  @Test("a field nothing reads is not checked for a currency; a record over two lines is reported at its field's line")
  func unreadAndMultiline() throws {
    // 'deposit' declared, read by no rule: its value needs no currency (it is never used).
    let unread = """
      field customer.deposit: money
      field customer.home: currency
      plan p {
        currency EUR
        period monthly
        align to calendar
        charge base { flat 100.00 EUR }
        discount "Home" 1.00 EUR when customer.home = EUR
      }
      """
    let customers = "id,name,currency,deposit,home\nc1,One,,12.50,EUR\n\"c2\",\"Two\nLines\",,,\n"
    let files = ["customers.csv": customers, "contracts.csv": Self.contracts.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"]
    let (r, issues) = try Run.billing(unread, files, asOf: "2026-11-01")
    // c1 gives its home; c2 (over lines 3 and 4) leaves it empty with no currency anywhere: reported on line 4, at
    // the field, with the rows' issues in line order.
    #expect(issues.map { "\($0.code) \($0.line):\($0.column)" }.prefix(1) == ["D0203 4:10"], "\(issues.map { "\($0.code) \($0.line):\($0.column) \($0.message)" })")
    #expect(issues.first?.message.contains("gives no currency and no 'home'") == true)
    #expect(Self.totals(r) == ["k1 99"], "\(Self.totals(r))")
  }

  @Test("a payment's money EUR field is checked against euros, not the payment's currency")
  func paymentOwnCurrency() throws {
    let dir = try Run.folder([
      "customers.csv": "id,name\nc1,One\n",
      "payments.csv": """
        id,booking_date,amount,currency,payer_name,fee
        j1,2026-11-03,500,JPY,Payer,1.50
        j2,2026-11-03,500,JPY,Payer,1.505

        """,
    ])
    let plan = try Run.plan(
      """
      field payment.fee: money EUR
      match rest "The rest" {
        when payment.fee < 1.00 EUR
        candidates open invoices of any customer, same currency
        allocate exact single
        on no match: exception to queue "rest"
        confidence suggest
      }
      """)
    let (data, issues) = Dataset.load(folder: dir, plan: plan)
    #expect(issues.map { "\($0.code) \($0.line) \($0.message)" } == ["D0208 3 amount 1.505 in column 'fee' has 3 decimals; EUR allows 2"])
    #expect(data.cash.payments.first { $0.id == "j1" }?.custom == [.money(Fixed("1.50")!, .EUR)])
  }
}

/// A contract's plain `money` field is in the contract's currency (its plan's): its decimals are checked against it
/// (D0208), as a row's money is against the row's currency. Before, `1.555` on a JPY plan's contract was taken.
@Suite("Contract fields: a money field's decimals")
struct ContractMoneyFieldTests {
  @Test("checked against the plan's currency; a money EUR field against euros")
  func decimals() throws {
    let rules = """
      field contract.credit: money
      field contract.bonus: money EUR
      plan yen {
        currency JPY
        period monthly
        align to calendar
        charge base { flat 1000 JPY }
        discount "Credit" 100 JPY when contract.credit > 0 JPY
      }
      plan euro {
        currency EUR
        period monthly
        align to calendar
        charge base { flat 10.00 EUR }
        discount "Bonus" 1.00 EUR when contract.bonus > 0.00 EUR
      }
      """
    let contracts = """
      id,customer,plan,start_date,credit,bonus
      k1,c1,yen,2026-10-01,1.555,
      k2,c1,yen,2026-10-01,12,0.50
      k3,c1,euro,2026-10-01,1.55,0.505
      k4,c1,euro,2026-10-01,1.555,

      """
    let (_, issues) = try Run.billing(rules, ["customers.csv": "id,name\nc1,One\n", "contracts.csv": contracts], asOf: "2026-11-01")
    #expect(
      // (The reader's issues first, then those of the rows' checks, as for every contracts file.)
      issues.map { "\($0.code) \($0.line):\($0.column) \($0.message)" } == [
        "D0208 4:28 amount 0.505 in column 'bonus' has 3 decimals; EUR allows 2",
        "D0208 2:22 amount 1.555 in column 'credit' has 3 decimals; JPY allows 0 (the contract's currency, its plan's)",
        "D0208 5:23 amount 1.555 in column 'credit' has 3 decimals; EUR allows 2 (the contract's currency, its plan's)",
      ], "\(issues.map { "\($0.code) \($0.line):\($0.column) \($0.message)" })")
  }
}
