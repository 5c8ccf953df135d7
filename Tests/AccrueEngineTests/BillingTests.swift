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
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// Runs rules (in memory) against data files (written to a temporary folder).
enum Run {
  static func plan(_ rules: String) throws -> ExecutablePlan {
    let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", rules)])
    let (results, diags) = Frontend.check(load)
    let errors = diags.filter { $0.severity == .error }
    try #require(errors.isEmpty, "rules do not check: \(errors.map { "\($0.code.id) \($0.message)" })")
    return PlanCompiler.compile(results[0].1.program, sources: load.sources)
  }

  static func folder(_ files: [String: String]) throws -> String {
    let dir = TemporaryPaths.url("accrue-billing")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return dir.path
  }

  static func billing(
    _ rules: String, _ files: [String: String], asOf: String, since: String? = nil
  ) throws -> (BillingResult, [DataIssue]) {
    let p = try plan(rules)
    let (data, issues) = Dataset.load(folder: try folder(files), plan: p)
    let (r, more) = Billing.run(plan: p, data: data, asOf: CivilDate.parse(asOf)!, since: since.flatMap(CivilDate.parse))
    return (r, issues + more)
  }

  static let oneCustomer = "id,name,country\ncust-1,Acme,US\n"

  static func amounts(_ inv: PlannedInvoice) -> [String] { inv.lines.map { $0.amount.description } }
}

@Suite("Billing")
struct BillingTests {
  // Stripe's documented example: tiers 1-5 at 7.00, 6-10 at 6.50, 11+ at 6.00.
  static func tierRules(_ mode: String) -> String {
    """
    currency USD
    metric units { sum of event.quantity }
    plan p {
      period monthly
      align to calendar
      charge c {
        usage units
        tiers \(mode) {
          1 to 5 at 7.00 USD
          6 to 10 at 6.50 USD
          11 and above at 6.00 USD
        }
      }
    }
    """
  }

  @Test("tiers: Stripe's worked examples (graduated 6 units = 41.50, volume 6 = 39.00, volume 20 = 120.00)",
    // graduated 20 = 5 x 7.00 + 5 x 6.50 + 10 x 6.00 = 35.00 + 32.50 + 60.00 = 127.50
    arguments: [("graduated", 6, "41.5"), ("volume", 6, "39"), ("volume", 20, "120"), ("graduated", 20, "127.5"), ("graduated", 0, "0")])
  func tiers(_ mode: String, _ units: Int, _ expectedValue: String) throws {
    let usage = units == 0 ? "id,customer,contract,date,name,quantity\n" : "id,customer,contract,date,name,quantity\ne1,cust-1,k1,2026-10-10,x,\(units)\n"
    let (r, issues) = try Run.billing(
      Self.tierRules(mode),
      ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n", "usage.csv": usage],
      asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty, "\(issues)")
    let inv = try #require(r.invoices.first)
    #expect(inv.key == "k1/2026-11-01")
    #expect(inv.lines.first?.amount.description == expectedValue)
    #expect(inv.lines.first?.periodStart.description == "2026-10-01")
  }

  static let flatRules = """
    currency USD
    month end clamp
    plan p {
      period monthly
      align to calendar
      charge base { flat 31.00 USD }
    }
    """

  @Test("proration by days across months of 28, 29, 30 and 31 days",
    arguments: [
      // start, month length, expected first-invoice amount for flat 31.00 (days used / days in month x 31.00)
      ("2026-01-15", "17"),  // 17 of 31 days: 31.00 x 17 / 31 = 17.00
      ("2026-02-15", "15.5"),  // 14 of 28: 31.00 x 14 / 28 = 15.50
      ("2024-02-15", "16.03"),  // 15 of 29: 31.00 x 15 / 29 = 16.0344.. -> 16.03
      ("2026-04-16", "15.5"),  // 15 of 30: 31.00 x 15 / 30 = 15.50
      ("2026-03-01", "31"),  // a whole month
    ])
  func proration(_ start: String, _ expected: String) throws {
    let (r, _) = try Run.billing(
      Self.flatRules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,\(start)\n"],
      asOf: start, since: "2000-01-01")
    let inv = try #require(r.invoices.first)
    #expect(inv.lines[0].amount.description == expected)
    #expect(inv.total.description == expected)
  }

  @Test("a January 31 anchor bills on the last day of shorter months (month end clamp), computed from the anchor")
  func januaryThirtyFirst() throws {
    let rules = """
      currency USD
      month end clamp
      plan p {
        period monthly
        charge base { flat 10.00 USD }
      }
      """
    let (r, _) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-01-31\n"],
      asOf: "2026-05-31", since: "2026-01-01")
    #expect(r.invoices.map(\.issueDate.description) == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"])
    #expect(r.invoices.allSatisfy { $0.total.description == "10" })
  }

  @Test("leap day anchor on an annual plan: 2024-02-29 then 2025-02-28 (clamp) or 2025-03-01 (roll over)",
    arguments: [("clamp", "2025-02-28"), ("roll over", "2025-03-01")])
  func leapDay(_ rule: String, _ expected: String) throws {
    let rules = """
      currency USD
      month end \(rule)
      plan p {
        period annual
        charge base { flat 120.00 USD }
      }
      """
    let (r, _) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2024-02-29\n"],
      asOf: "2025-03-05", since: "2024-03-01")
    #expect(r.invoices.map(\.issueDate.description) == [expected])
  }

  @Test("package pricing rounds packages up; free units come first")
  func package() throws {
    let rules = """
      currency USD
      metric m { sum of event.quantity }
      plan p {
        period monthly
        align to calendar
        charge c {
          usage m
          free 100 units
          package 100 units at 5.00 USD
        }
      }
      """
    // 351 units - 100 free = 251 -> 3 packages -> 15.00
    let (r, _) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n",
        "usage.csv": "id,customer,date,name,quantity\ne1,cust-1,2026-10-02,x,300\ne2,cust-1,2026-10-30,x,51\ne3,cust-1,2026-11-01,x,999\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    #expect(r.invoices.first?.lines.first?.amount.description == "15")
  }

  // Lago's documented examples (docs.getlago.com, charge models "package" and "volume").
  static func lagoRun(_ charge: String, units: Int) throws -> PlannedInvoice? {
    let rules = """
      currency USD
      metric calls { sum of event.quantity }
      plan p {
        period monthly
        align to calendar
        charge c {
          usage calls
      \(charge)
        }
      }
      """
    let (r, issues) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n",
        "usage.csv": "id,customer,date,name,quantity\ne1,cust-1,2026-10-15,x,\(units)\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty, "\(issues)")
    return r.invoices.first
  }

  @Test("Lago package: 5 USD per 100 units, the first 100 free; 201 units cost 10 USD")
  func lagoPackage() throws {
    let inv = try Self.lagoRun("    free 100 units\n    package 100 units at 5.00 USD", units: 201)
    #expect(inv?.lines.first?.amount.description == "10")
  }

  @Test("Lago volume: 65,000 calls fall in the 50,001-100,000 tier: 65,000 x 0.0006 + 10 flat = 49 USD")
  func lagoVolume() throws {
    let tiers = """
          tiers volume {
            0 to 10000 at 0.0010 USD plus flat 10.00 USD
            10001 to 50000 at 0.0008 USD plus flat 10.00 USD
            50001 to 100000 at 0.0006 USD plus flat 10.00 USD
            100001 and above at 0.0004 USD plus flat 10.00 USD
          }
      """
    let inv = try Self.lagoRun(tiers, units: 65_000)
    #expect(inv?.lines.first?.amount.description == "49")
    // One call over the first bound moves every call to the second tier's price:
    // 10,001 x 0.0008 + 10 = 18.0008, rounded to the cent.
    let next = try Self.lagoRun(tiers, units: 10_001)
    #expect(next?.lines.first?.amount.description == "18")
  }

  // Kill Bill's documented example (docs.killbill.io, tutorial "Usage: consumable in arrear"): a 30 USD
  // monthly subscription billed in advance on the signup anniversary, videos billed in arrears at 2 USD
  // each for the first 5 and 1 USD after. Louis subscribes on March 13 and watches 13 videos in his first
  // month: the March 13 invoice has 30 USD for March 13 to April 13; the April 13 invoice has 30 USD for
  // April 13 to May 13 and a usage item of 18 USD (5 x 2 + 8 x 1).
  @Test("Kill Bill consumable in arrear: 30 USD in advance, then 30 USD + 18 USD for 13 videos")
  func killBillConsumableInArrear() throws {
    let rules = """
      currency USD
      month end clamp
      metric videos {
        event "chocolate-videos"
        count
      }
      plan chocolate {
        period monthly
        bill in advance
        charge base { flat 30.00 USD }
        charge streaming {
          usage videos
          bill in arrears
          tiers graduated {
            1 to 5 at 2.00 USD
            6 and above at 1.00 USD
          }
        }
      }
      """
    var usage = "id,customer,date,name\n"
    for k in 1...13 { usage += "v\(k),cust-1,2014-03-\(13 + k),chocolate-videos\n" }
    usage += "x1,cust-1,2014-03-20,other-unit\n"
    let files = [
      "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,chocolate,2014-03-13\n",
      "usage.csv": usage,
    ]
    let (march, i1) = try Run.billing(rules, files, asOf: "2014-03-13", since: "2014-03-12")
    #expect(i1.isEmpty, "\(i1)")
    let first = try #require(march.invoices.first)
    #expect(march.invoices.count == 1)
    #expect(first.lines.map(\.amount.description) == ["30"])
    #expect((first.periodStart.description, first.periodEnd.description) == ("2014-03-13", "2014-04-13"))
    let (april, i2) = try Run.billing(rules, files, asOf: "2014-04-13", since: "2014-04-12")
    #expect(i2.isEmpty, "\(i2)")
    let second = try #require(april.invoices.first)
    #expect(april.invoices.count == 1)
    #expect(second.lines.map(\.amount.description).sorted() == ["18", "30"])
    #expect(second.total.description == "48")
  }

  @Test("percentage pricing: per transaction rate + fee, clamped to min and max, summed")
  func percentage() throws {
    let rules = """
      currency USD
      metric payments { sum of event.amount }
      plan p {
        period monthly
        align to calendar
        charge fees {
          usage payments
          percentage 2.9% plus 0.30 USD per transaction minimum 0.50 USD maximum 10.00 USD
        }
      }
      """
    // 100.00 -> 2.90 + 0.30 = 3.20; 10.00 -> 0.29 + 0.30 = 0.59; 1000.00 -> 29.30 capped at 10.00; 1.00 -> 0.329 -> min 0.50
    let (r, issues) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n",
        "usage.csv": "id,customer,date,name,amount,currency\ne1,cust-1,2026-10-02,pay,100.00,USD\ne2,cust-1,2026-10-03,pay,10.00,USD\ne3,cust-1,2026-10-04,pay,1000.00,USD\ne4,cust-1,2026-10-05,pay,1.00,USD\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.invoices.first?.lines.first?.amount.description == "14.29")
  }

  static func percentageRun(_ charge: String, _ events: [String]) throws -> PlannedInvoice {
    let rules = """
      currency USD
      metric payments { sum of event.amount }
      plan p {
        period monthly
        align to calendar
        charge fees {
          usage payments
      \(charge)
        }
      }
      """
    var rows = "id,customer,date,name,amount,currency\n"
    for (k, e) in events.enumerated() {
      let parts = e.split(separator: " ")
      rows += "e\(k + 1),cust-1,\(parts[0]),pay,\(parts[1]),USD\n"
    }
    let (r, issues) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n", "usage.csv": rows],
      asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty, "\(issues)")
    #expect(r.failures.isEmpty, "\(r.failures)")
    return try #require(r.invoices.first)
  }

  /// Lago's percentage charge with free units per events (docs, charge models: percentage): 1.2% + 0.10 per
  /// transaction, the first 3 transactions free; transactions of 200, 100, 100 and 50: only the 4th pays, 0.70.
  /// The events are listed out of date order: the first three by date are free.
  @Test("percentage: the period's first N transactions are free (Lago's free units per events)")
  func percentageFreeTransactions() throws {
    let inv = try Self.percentageRun(
      "    percentage 1.2% plus 0.10 USD per transaction\n    free 3",
      ["2026-10-20 50.00", "2026-10-02 200.00", "2026-10-05 100.00", "2026-10-09 100.00"])
    #expect(inv.lines.first?.amount == Fixed.parse(Array("0.70".utf8)))
  }

  @Test("percentage: a free amount of volume; the transaction that uses it up pays on the rest; with both, the first limit reached ends it")
  func percentageFreeAmount() throws {
    // Free 250.00: 200 free (50 left), 100 pays on 50: 0.60 + 0.10; 100 pays 1.20 + 0.10; 50 pays 0.60 + 0.10. Total 2.70.
    let events = ["2026-10-02 200.00", "2026-10-05 100.00", "2026-10-09 100.00", "2026-10-20 50.00"]
    #expect(try Self.percentageRun("    percentage 1.2% plus 0.10 USD per transaction\n    free 250.00 USD", events).lines.first?.amount == Fixed.parse(Array("2.70".utf8)))
    // Both: 1 free transaction and 250.00: the first is free, then the count is used up: 1.30 + 1.30 + 0.70 = 3.30.
    #expect(
      try Self.percentageRun("    percentage 1.2% plus 0.10 USD per transaction\n    free 1\n    free 250.00 USD", events).lines.first?.amount == Fixed.parse(Array("3.30".utf8)))
    // A charge's minimum raises a percentage line too (it was ignored): 0.60 + 0.10 ... = 5.80 raised to 25.00.
    #expect(try Self.percentageRun("    percentage 1.2% plus 0.10 USD per transaction\n    minimum 25.00 USD", events).lines.first?.amount == Fixed.parse(Array("25.00".utf8)))
  }

  @Test("discount for N periods, exclusive tax, net terms and the early payment discount")
  func discountsTaxTerms() throws {
    let rules = """
      currency EUR
      plan p {
        period monthly
        align to calendar
        charge seats {
          per unit 10.00 EUR
          quantity contract.seats
        }
        discount "Launch" 20% for 2 periods
        tax "VAT" 19% exclusive when customer.country = "DE"
        payment terms net 30 days
        early payment discount 2% within 10 days
      }
      """
    let (r, _) = try Run.billing(
      rules,
      [
        "customers.csv": "id,name,country\ncust-1,Acme,DE\n",
        "contracts.csv": "id,customer,plan,start_date,seats\nk1,cust-1,p,2026-09-01,12\n",
      ], asOf: "2026-11-01", since: "2026-08-31")
    #expect(r.invoices.count == 3)
    // Sep and Oct: 120.00 - 24.00 = 96.00, VAT 18.24, total 114.24; Nov: no discount: 120.00 + 22.80 = 142.80
    #expect(r.invoices.map(\.total.description) == ["114.24", "114.24", "142.8"])
    let nov = r.invoices[2]
    #expect(nov.dueDate.description == "2026-12-01")
    #expect(nov.earlyDiscount?.amount.description == "2.86")  // 2% of 142.80 = 2.856 -> 2.86
    #expect(nov.earlyDiscount?.until.description == "2026-11-11")
  }

  @Test("installments split the total exactly")
  func installments() throws {
    let rules = """
      currency USD
      plan p {
        period monthly
        align to calendar
        charge base { flat 100.00 USD }
        payment terms installments {
          33% net 30 days
          33% net 60 days
          34% net 90 days
        }
      }
      """
    let (r, _) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-11-01\n"],
      asOf: "2026-11-01")
    let inv = try #require(r.invoices.first)
    #expect(inv.installments.map(\.amount.description) == ["33", "33", "34"])
    let sum = inv.installments.reduce(Fixed.zero) { $0.adding($1.amount)! }
    #expect(sum == inv.total)
  }

  @Test("minimum commitment: the period's shortfall is trued up at its end")
  func minimum() throws {
    let rules = """
      currency USD
      metric m { sum of event.quantity }
      plan p {
        period monthly
        align to calendar
        charge base { flat 100.00 USD }
        charge usage {
          usage m
          per unit 1.00 USD
        }
        minimum commitment 500.00 USD per period
      }
      """
    // October: 100.00 flat (billed in advance on Oct 1) + 150 units = 250.00 spent -> true-up 250.00 on Nov 1.
    let (r, _) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n",
        "usage.csv": "id,customer,date,name,quantity\ne1,cust-1,2026-10-10,x,150\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    let inv = try #require(r.invoices.first)
    #expect(inv.lines.map(\.charge) == ["base", "usage", "minimum"])
    #expect(Run.amounts(inv) == ["100", "150", "250"])
  }

  @Test("a mid-period seat increase: credit the unused old seats, charge the new ones, on the next invoice")
  func seatChange() throws {
    let rules = """
      currency USD
      plan p {
        period monthly
        align to calendar
        charge seats {
          per unit 30.00 USD
          quantity contract.seats
        }
      }
      """
    // November: 10 seats billed on Nov 1 (300.00). On Nov 16 seats go to 15: 15 of 30 days.
    // Dec 1 invoice: credit 10 x 30 x 15/30 = -150.00, charge 15 x 30 x 15/30 = 225.00, December 15 x 30 = 450.00.
    let (r, _) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date,seats\nk1,cust-1,p,2026-09-01,10\n",
        "contract_changes.csv": "contract,date,seats\nk1,2026-11-16,15\n",
      ], asOf: "2026-12-01", since: "2026-10-31")
    #expect(r.invoices.map(\.key) == ["k1/2026-11-01", "k1/2026-12-01"])
    #expect(Run.amounts(r.invoices[0]) == ["300"])
    #expect(Set(Run.amounts(r.invoices[1])) == Set(["450", "-150", "225"]))
    #expect(r.invoices[1].total.description == "525")
  }

  @Test("currencies with 0 and 3 decimals round to their minor unit", arguments: [("JPY", "1000", "333"), ("BHD", "1.000", "0.333")])
  func minorUnits(_ code: String, _ price: String, _ expected: String) throws {
    let rules = """
      currency \(code)
      plan p {
        period monthly
        align to calendar
        charge base { flat \(price) \(code) }
      }
      """
    // Start on the 21st of a 30-day month: 10 of 30 days = one third.
    let (r, _) = try Run.billing(
      rules, ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-06-21\n"],
      asOf: "2026-06-21")
    #expect(r.invoices.first?.total.description == expected)
  }

  @Test("an id unknown because its row was rejected says so, instead of only 'unknown'")
  func rejectedRowHint() throws {
    let (_, issues) = try Run.billing(
      Self.tierRules("volume"),
      [
        "customers.csv": Run.oneCustomer,
        "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-02-30\nk2,cust-1,p,2026-01-01\n",
        "usage.csv": "id,customer,contract,date,name,quantity\ne1,cust-1,k1,2026-10-10,x,1\ne2,cust-1,k9,2026-10-10,x,1\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    try #require(issues.map(\.code) == ["D0204", "D0302", "D0302"])
    #expect(issues[1].message == "unknown contract 'k1' (if the contracts file has it, its row was rejected above: fix that row first)")
    // Without rejected contract rows, the plain message.
    let (_, clean) = try Run.billing(
      Self.tierRules("volume"),
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk2,cust-1,p,2026-01-01\n",
        "usage.csv": "id,customer,contract,date,name,quantity\ne2,cust-1,k9,2026-10-10,x,1\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    #expect(clean.map(\.message) == ["unknown contract 'k9'"])
  }

  @Test("already issued keys are not issued again")
  func idempotent() throws {
    let files = [
      "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-10-01\n",
      "invoices.csv": "id,customer,contract,issue_date,due_date,currency,amount\nk1/2026-10-01,cust-1,k1,2026-10-01,2026-10-01,USD,31.00\n",
    ]
    let (r, _) = try Run.billing(Self.flatRules, files, asOf: "2026-11-01", since: "2026-09-30")
    #expect(r.invoices.map(\.key) == ["k1/2026-11-01"])
    #expect(r.alreadyIssued == 1)
  }

  @Test("property: every total equals its lines plus exclusive taxes; a rerun is identical")
  func properties() throws {
    var rng: UInt64 = 42
    func next(_ n: Int) -> Int {
      rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((rng >> 33) % UInt64(n))
    }
    let rules = """
      currency USD
      month end clamp
      metric m { sum of event.quantity }
      plan p {
        period monthly
        charge seats {
          per unit 12.34 USD
          quantity contract.seats
        }
        charge api {
          usage m
          tiers graduated {
            1 to 1000 at 0.01 USD
            1001 and above at 0.005 USD plus flat 2.50 USD
          }
        }
        discount 7.5% for 2 periods
        tax "Tax" 8.875% exclusive
      }
      """
    var contracts = "id,customer,plan,start_date,seats\n"
    var usage = "id,customer,contract,date,name,quantity\n"
    for i in 0..<40 {
      let start = CivilDate(year: 2026, month: 1 + next(10), day: 1 + next(28))!
      contracts += "k\(i),cust-1,p,\(start),\(1 + next(50))\n"
      for j in 0..<5 { usage += "e\(i)-\(j),cust-1,k\(i),2026-\(String(format: "%02d", 9 + next(2)))-\(String(format: "%02d", 1 + next(28))),x,\(next(3000))\n" }
    }
    let files = ["customers.csv": Run.oneCustomer, "contracts.csv": contracts, "usage.csv": usage]
    let (a, issues) = try Run.billing(rules, files, asOf: "2026-11-15", since: "2026-01-01")
    #expect(issues.isEmpty, "\(issues.prefix(3))")
    #expect(a.invoices.count > 40)
    for inv in a.invoices {
      let lines = inv.lines.reduce(Fixed.zero) { $0.adding($1.amount)! }
      let tax = inv.taxes.filter { !$0.inclusive }.reduce(Fixed.zero) { $0.adding($1.amount)! }
      #expect(inv.subtotal == lines)
      #expect(inv.total == lines.adding(tax)!)
      #expect(inv.lines.allSatisfy { $0.amount.significantFractionDigits <= 2 })
    }
    let (b, _) = try Run.billing(rules, files, asOf: "2026-11-15", since: "2026-01-01")
    #expect(a.invoices.map(\.key) == b.invoices.map(\.key))
    #expect(a.invoices.map(\.total) == b.invoices.map(\.total))
  }
}

@Suite("Billing phases and trials")
struct PhaseTests {
  static let rules = """
    currency USD
    month end clamp
    plan p {
      period monthly
      align to calendar
      trial 1 month
      phase intro "Introductory" for 2 months {
        charge seats { per unit 8.00 USD }
      }
      phase holiday "Free month" for 1 month {
        free
      }
      charge seats {
        per unit 12.00 USD
        quantity contract.seats
      }
    }
    """

  @Test("a trial, then an introductory price, then a free month, then the plan's price")
  func sequence() throws {
    // Start 2026-01-01: trial January; intro February and March at 8.00; April free; May at 12.00.
    let (r, issues) = try Run.billing(
      Self.rules,
      ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date,seats\nk1,cust-1,p,2026-01-01,10\n"],
      asOf: "2026-05-01", since: "2025-12-31")
    #expect(issues.isEmpty)
    // January (trial) and April (free) produce no invoice lines, so no invoice.
    #expect(r.invoices.map(\.issueDate.description) == ["2026-02-01", "2026-03-01", "2026-05-01"])
    #expect(r.invoices.map(\.total.description) == ["80", "80", "120"])
    #expect(r.invoices[0].lines[0].description.hasPrefix("intro phase: "))
  }

  /// A monthly plan with one usage charge (`calls`, 1.00 USD a unit), the given phases and extra lines.
  /// Lines: 1-6 header, then the phases from line 7, then the charge; `tail` comes before the closing brace.
  static func usageRules(phases: String, tail: String = "") -> String {
    """
    currency USD
    month end clamp
    metric m { sum of event.quantity }
    plan p {
      period monthly
      align to calendar
    \(phases)
      charge calls {
        usage m
        per unit 1.00 USD
      }
    \(tail)}
    """
  }

  @Test("a phase's minimum commitment replaces the plan's; a free phase has none")
  func phaseMinimum() throws {
    let rules = Self.usageRules(
      phases: """
        phase ramp "Ramp" for 2 months {
          minimum commitment 100.00 USD per period
        }
        phase pause "Pause" for 1 month {
          free
        }
      """, tail: "    minimum commitment 500.00 USD per period\n")
    // 10 calls a month from January: January and February (ramp) true up to 100, March (free) has no
    // minimum, April (the plan's own terms) trues up to 500.
    let usage = "id,customer,date,name,quantity\n" + (1...4).map { "e\($0),cust-1,2026-0\($0)-10,x,10" }.joined(separator: "\n") + "\n"
    let (r, issues) = try Run.billing(
      rules,
      ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-01-01\n", "usage.csv": usage],
      asOf: "2026-05-01", since: "2025-12-31")
    #expect(issues.isEmpty, "\(issues)")
    let minimums = r.invoices.map { inv in
      "\(inv.issueDate) " + inv.lines.filter { $0.charge == "minimum" }.map { "\($0.amount) \($0.rule.line)" }.joined()
    }
    // The true-up lines cite the `minimum commitment` lines they come from (8: the phase's, 17: the plan's).
    #expect(minimums == ["2026-02-01 90 8", "2026-03-01 90 8", "2026-05-01 490 17"])
  }

  @Test("usage on free-phase days is not counted; usage is priced by the phase of the last counted day")
  func phaseUsage() throws {
    let rules = Self.usageRules(
      phases: """
        phase intro "Introductory" for 5 days {
          charge calls { per unit 2.00 USD }
        }
        phase pause "Pause" for 10 days {
          free
        }
      """)
    // k1 from Jan 1: intro Jan 1-5, free Jan 6-15, then the plan. Counted: 5 + 7 = 12 units (not the 100
    // of Jan 10), priced at the plan's 1.00 (the last counted day, Jan 31, is after the phases).
    // k2 from Jan 20: intro Jan 20-24, free Jan 25 - Feb 3. Counted: 3 units, priced at the intro's 2.00.
    let usage = """
      id,customer,contract,date,name,quantity
      e1,cust-1,k1,2026-01-03,x,5
      e2,cust-1,k1,2026-01-10,x,100
      e3,cust-1,k1,2026-01-20,x,7
      e4,cust-1,k2,2026-01-22,x,3
      e5,cust-1,k2,2026-01-28,x,50

      """
    let (r, issues) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer,
        "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-01-01\nk2,cust-1,p,2026-01-20\n", "usage.csv": usage,
      ], asOf: "2026-02-01", since: "2026-01-31")
    #expect(issues.isEmpty, "\(issues)")
    let lines = r.invoices.sorted { $0.contractID < $1.contractID }.map { inv in inv.lines.map { "\($0.description) = \($0.amount)" } }
    #expect(lines == [["calls: 12 units = 12"], ["intro phase: calls: 3 units = 6"]])
  }

  @Test("a phase boundary inside a period splits it by days")
  func split() throws {
    // Start 2026-01-16, trial 1 month -> 2026-02-16; intro until 2026-04-16; free until 2026-05-16.
    // The April invoice (2026-04-01, 30 days): 15 days intro at 8.00 and 15 days free: 10 x 8.00 x 15/30 = 40.00.
    let (r, _) = try Run.billing(
      Self.rules,
      ["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date,seats\nk1,cust-1,p,2026-01-16,10\n"],
      asOf: "2026-04-01", since: "2026-03-31")
    let inv = try #require(r.invoices.first)
    #expect(inv.total.description == "40")
  }
}

@Suite("Usage read by two workers")
struct ParallelUsageTests {
  /// The bundled rules billed on the data in `dir` as of 2026-11-01: by one reader, then in chunks.
  static func runBoth(_ dir: String, chunk: Int) throws -> ((BillingResult, [DataIssue]), (BillingResult, [DataIssue])) {
    let (plan, data) = CLITestsRoot.load(dir)
    let asOf = try #require(CivilDate.parse("2026-11-01"))
    return (Billing.run(plan: plan, data: data, asOf: asOf), Billing.run(plan: plan, data: data, asOf: asOf, usageChunkBytes: chunk))
  }

  /// Reading the usage file in small chunks on two workers gives exactly what one reader gives:
  /// the same invoices, amounts, explanations' first rows, and the same located issues.
  @Test("two workers, small chunks: identical results", arguments: [997, 4096, 65536])
  func identical(_ chunk: Int) throws {
    let dir = TemporaryPaths.make("accrue-par")
    try DataGenerator.write(DataGeneratorOptions(contracts: 300, events: 30_000, openInvoices: 10, payments: 10, seed: 9), to: dir)
    // A bad row in the middle and a quoted field with a line break, to check positions across chunks.
    let usagePath = dir + "/usage.csv"
    var lines = try String(contentsOfFile: usagePath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    var bad = Array(repeating: "", count: header.count)
    bad[header.firstIndex(of: "id")!] = "bad-1"
    bad[header.firstIndex(of: "customer")!] = "nobody"
    bad[header.firstIndex(of: "date")!] = "2026-10-10"
    bad[header.firstIndex(of: "name")!] = "\"api.\nrequest\""
    lines.insert(bad.joined(separator: ","), at: 15_000)
    try lines.joined(separator: "\n").write(toFile: usagePath, atomically: true, encoding: .utf8)
    let ((one, i1), (two, i2)) = try Self.runBoth(dir, chunk: chunk)
    #expect(!one.invoices.isEmpty)
    #expect(i1 == i2)
    #expect(i1.contains { $0.code == "D0301" && $0.line == 15_001 })
    #expect(one.invoices.map(\.key) == two.invoices.map(\.key))
    #expect(one.invoices.map(\.total) == two.invoices.map(\.total))
    #expect(one.invoices.flatMap { $0.lines.map(\.amount) } == two.invoices.flatMap { $0.lines.map(\.amount) })
    #expect(one.invoices.map(\.sources) == two.invoices.map(\.sources))
  }
}

extension ParallelUsageTests {
  /// The fast path reads plain lines itself and hands every unusual one to the general reader: the
  /// results, issues (code, line, column, message, record) and first rows must be exactly those of the
  /// general reader alone, whatever the chunk size.
  @Test("fast path: unusual lines give exactly the general reader's results", arguments: [1500, 8192, 1 << 20])
  func unusualLines(_ chunk: Int) throws {
    let dir = TemporaryPaths.make("accrue-fast")
    try DataGenerator.write(DataGeneratorOptions(contracts: 200, events: 20_000, openInvoices: 10, payments: 10, seed: 4), to: dir)
    let usagePath = dir + "/usage.csv"
    var lines = try String(contentsOfFile: usagePath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let contractsText = try String(contentsOfFile: dir + "/contracts.csv", encoding: .utf8)
    let contracts = contractsText.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let conHeader = contractsText.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
    let (cId, cCust) = (conHeader.firstIndex(of: "id")!, conHeader.firstIndex(of: "customer")!)
    // A real event line to vary one field at a time.
    let sample = lines[100].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    func col(_ n: String) -> Int { header.firstIndex(of: n)! }
    func variant(_ changes: [String: String]) -> String {
      var f = sample
      for (k, v) in changes { f[col(k)] = v }
      return f.joined(separator: ",")
    }
    let other = contracts.first { $0[cCust] != sample[col("customer")] }!
    let variants: [String] = [
      variant(["date": "2026-02-30"]),  // impossible date
      variant(["date": "2026-1-05"]),  // not YYYY-MM-DD
      variant(["quantity": "12x"]),  // bad number
      variant(["quantity": "1_000"]),  // underscores are for rules, not data
      variant(["quantity": "+7"]), variant(["quantity": "-3"]), variant(["quantity": "2.50"]),  // unusual but valid
      variant(["quantity": ""]),  // missing quantity counts 1
      variant(["contract": "ctr-999999"]),  // unknown contract
      variant(["contract": other[cId]]),  // another customer's contract
      variant(["customer": "nobody"]),  // unknown customer
      variant(["contract": ""]),  // customer-level event
      variant(["name": "api.café"]),  // non-ASCII
      variant(["id": "evt\tx"]),  // control character
      variant(["id": ""]),  // missing required value
      variant(["amount": "12.50", "currency": "EUR"]), variant(["amount": "12.345", "currency": "EUR"]),  // money
      variant(["currency": "eur"]),  // bad currency
      sample.joined(separator: ",") + ",extra",  // too many fields
      sample.dropLast().joined(separator: ","),  // too few fields
      "",  // blank line
      sample.joined(separator: ",") + "\r",  // CRLF line end
      sample.joined(separator: ",") + "\r\r",  // a stray CR before the CRLF: part of the last field
      "\r",  // a line of a lone CR: not a blank line
    ]
    for (k, v) in variants.enumerated() { lines.insert(v, at: 200 + k * 700) }
    try lines.joined(separator: "\n").write(toFile: usagePath, atomically: true, encoding: .utf8)
    let ((one, i1), (two, i2)) = try Self.runBoth(dir, chunk: chunk)
    #expect(one.usageRows.fast == 0)
    #expect(two.usageRows.fast > 15_000, "the fast path read \(two.usageRows.fast) of \(two.usageRows.total) rows")
    #expect(two.usageRows.fast < two.usageRows.total)
    #expect(one.usageRows.total == two.usageRows.total)
    #expect(i1 == i2)
    #expect(Set(i1.map(\.code)) == ["D0101", "D0203", "D0204", "D0205", "D0206", "D0208", "D0301", "D0302", "D0307"])
    #expect(i1.map(\.line) == i1.map(\.line).sorted(), "issues in file order")
    #expect(one.invoices.map(\.key) == two.invoices.map(\.key))
    #expect(one.invoices.flatMap { $0.lines.map(\.amount) } == two.invoices.flatMap { $0.lines.map(\.amount) })
    #expect(one.invoices.map(\.sources) == two.invoices.map(\.sources))
  }
}

enum CLITestsRoot {
  static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let rules = repo.appendingPathComponent("rules")

  /// The bundled rules, compiled, and the data in `dir` loaded with them (expected to load without issues).
  static func load(_ dir: String) -> (ExecutablePlan, Dataset) {
    let load = RuleSetLoader.load(paths: [rules.path])
    let (results, _) = Frontend.check(load)
    let plan = PlanCompiler.compile(results[0].1.program, sources: load.sources)
    let (data, issues) = Dataset.load(folder: dir, plan: plan)
    #expect(issues.isEmpty, "\(issues.prefix(3))")
    return (plan, data)
  }
}

@Suite("Field defaults in billing")
struct FieldDefaultTests {
  @Test("a usage event without the field reads its declared default, by one reader and by the fast path")
  func eventDefault() throws {
    let rules = """
      currency USD
      field event.region: text = "eu"
      field event.weight: number = 2
      metric calls {
        sum of event.weight
        where event.region = "eu"
      }
      plan p {
        period monthly
        align to calendar
        charge c {
          usage calls
          per unit 1.00 USD
        }
      }
      """
    var usage = "id,customer,date,name,region,weight\n"
    for k in 0..<200 { usage += "e\(k),cust-1,2026-10-\(k % 28 + 1 < 10 ? "0" : "")\(k % 28 + 1),x,\(k % 2 == 0 ? "" : "us"),\(k % 4 == 1 ? "3" : "")\n" }
    let p = try Run.plan(rules)
    let (data, issues) = Dataset.load(
      folder: try Run.folder([
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-09-01\n", "usage.csv": usage,
      ]), plan: p)
    #expect(issues.isEmpty, "\(issues)")
    let asOf = CivilDate.parse("2026-11-01")!
    // Even rows: region missing -> "eu", weight missing -> 2: 100 x 2 = 200. Odd rows are "us".
    for chunk in [nil, 512] as [Int?] {
      let (r, _) = Billing.run(plan: p, data: data, asOf: asOf, since: CivilDate.parse("2026-10-31"), usageChunkBytes: chunk)
      #expect(r.invoices.first?.total.description == "200", "chunk \(String(describing: chunk))")
    }
  }
}

@Suite("Coverage")
struct CoverageTests {
  @Test("a phase's re-priced charge cites the phase; coverage counts it, and the plan's own price as never used")
  func phaseCharge() throws {
    let rules = """
      currency USD
      month end clamp
      plan p {
        period monthly
        align to calendar
        charge base { flat 10.00 USD }
        phase intro for 24 months {
          charge base { flat 5.00 USD }
        }
      }
      """
    let p = try Run.plan(rules)
    let (data, _) = Dataset.load(
      folder: try Run.folder(["customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-01-01\n"]), plan: p)
    let (b, _) = Billing.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-01")!, since: CivilDate.parse("2026-10-31"))
    let line = try #require(b.invoices.first?.lines.first)
    #expect(line.amount.description == "5")
    #expect(line.rule.line == 8)  // the phase's 'charge base'
    let cov = Coverage.compute(plan: p, billing: b, collections: nil)
    #expect(cov.unused.map(\.rule.line) == [6])  // the plan's 10.00 never priced a line
  }
}
