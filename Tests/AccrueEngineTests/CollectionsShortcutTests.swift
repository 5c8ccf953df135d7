import AccrueCollections
import AccrueCore
import AccrueModel
import AccrueRender
import Foundation
import Testing

/// The collections run's shortcuts against their plain definitions: a step's `when` that reads only the customer is
/// evaluated once per customer (and currency of its totals), not per invoice; a customer whose candidates all go
/// in one group is not regrouped one by one.
@Suite("Collections shortcuts")
struct CollectionsShortcutTests {
  static let customers = """
    id,name,segment,country,billing_email,account_owner,credit_hold
    c1,Acme,smb,US,ap@acme.example,owner@us.example,false
    c2,Globex,smb,DE,ap@globex.example,,false
    c3,Initech,smb,CA,ap@initech.example,,false
    c4,Umbrella,smb,US,ap@umbrella.example,,false

    """

  /// A cadence whose late step holds only for some countries and some counts of overdue invoices: `extra`
  /// adds a condition that reads the invoice and always holds, which makes the run evaluate the step's condition
  /// for each invoice.
  static func rules(grouped: Bool, extra: String) -> String {
    """
    cadence standard {
      \(grouped ? "one reminder per customer" : "")
      step first 5 days after due { send email "overdue-1" }
      step agency 30 days after due {
        when \(extra)customer.country in ["US", "CA"] and customer.overdue_count >= 2
        send letter "agency"
      }
    }
    """
  }

  static let invoices = Dun.invoices([
    "i1,c1,2026-08-01,2026-09-01,USD,100.00,,,open",
    "i2,c1,2026-08-15,2026-09-15,USD,80.00,,,open",
    "i3,c1,2026-10-10,2026-11-10,EUR,500.00,,,open",
    "i4,c1,2026-08-01,2026-09-01,EUR,90.00,,,open",
    "i5,c2,2026-08-01,2026-09-01,USD,900.00,,,open",
    "i6,c2,2026-10-01,2026-10-25,USD,40.00,,,open",
    "i7,c3,2026-08-01,2026-09-02,USD,100.00,,,open",
    "i8,c3,2026-08-01,2026-09-03,USD,10.00,,,open",
    "i9,c4,2026-07-01,2026-08-01,USD,120.00,,,open",
    "i10,c4,2026-10-01,2026-10-20,USD,60.00,,,open",
  ])

  /// What a run decides: each reminder (key, step date, covered invoices, skipped steps, messages, total), and for
  /// each invoice the kinds of its why-not steps (the sentence up to its first quote: the conditions' texts differ).
  static func outcome(_ rules: String) throws -> [String] {
    let files = ["customers.csv": customers, "invoices.csv": invoices]
    var out = try Dun.run(rules, files, asOf: "2026-11-02").reminders.map { m in
      "\(m.key) \(m.stepDate) \(m.invoices.map(\.id)) \(m.skipped) \(m.messages.map(\.template)) \(m.total) \(m.currency)"
    }
    for k in 1...10 {
      let r = try Dun.run(rules, files, asOf: "2026-11-02", whyNot: "i\(k)")
      out.append((r.whyNot ?? []).map { CollectionsSentences.sentence($0).split(separator: "'").first.map(String.init) ?? "" }.joined(separator: "; "))
    }
    return out
  }

  @Test("a step's condition on the customer alone, kept per customer, decides as evaluated per invoice", arguments: [false, true])
  func stepConditionsPerCustomer(grouped: Bool) throws {
    let kept = try Self.outcome(Self.rules(grouped: grouped, extra: ""))
    let each = try Self.outcome(Self.rules(grouped: grouped, extra: "invoice.days_overdue >= 0 days and "))
    #expect(kept == each)
    #expect(kept.contains { $0.contains("/standard/agency") })
    // Globex (DE) is not handed over: its oldest invoice gets the first reminder.
    #expect(kept.contains { $0.hasPrefix("i5/standard/first ") })
  }

  @Test("rules that read none of the customer's totals decide as when the totals are put into its record", arguments: [false, true])
  func totalsLeftOutWhenNotRead(grouped: Bool) throws {
    // `customer.overdue_count >= 0` always holds, but reading it makes the run put the totals into the record.
    func rules(_ read: String) -> String {
      Self.rules(grouped: grouped, extra: "").replacingOccurrences(
        of: "when customer.country in [\"US\", \"CA\"] and customer.overdue_count >= 2", with: "when \(read)customer.country in [\"US\", \"CA\"]")
    }
    let without = try Self.outcome(rules(""))
    let with = try Self.outcome(rules("customer.overdue_count >= 0 and "))
    #expect(rules("") != Self.rules(grouped: grouped, extra: ""))
    #expect(without == with)
    #expect(without.contains { $0.contains("/standard/agency") })
  }
}
