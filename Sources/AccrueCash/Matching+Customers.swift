import AccrueCore
import AccrueData
import AccrueModel

/// References that name a customer rather than an invoice (a customer number in the remittance text).
extension Matcher {
  /// Customers by the key of their id (letters and digits, upper case); a key two customers share names neither.
  static func customerKeys(_ customers: [CustomerData]) -> [String: Int32] {
    var out: [String: Int32] = [:]
    out.reserveCapacity(customers.count)
    // Ids read in place (a copy of each customer would retain its record).
    for i in customers.indices {
      guard let key = ReferenceKeys.firstKey(customers[i].id) else { continue }
      out[key] = out[key] == nil ? Int32(i) : -1
    }
    return out.filter { $0.value >= 0 }
  }

  /// The customer the references name (the first found), when no invoice is named; it becomes the payer unless
  /// another payer was found, which wins (the reference then names nobody for this rule).
  func customerNamed(_ refs: [FoundRef], _ ctx: inout RuleContext, _ steps: inout [CashStep]) -> Int32? {
    for r in refs {
      guard let key = ReferenceKeys.firstKey(r.text), let c = customerRefs[key] else { continue }
      if let p = ctx.payer, p != c {
        let (named, payer) = (data.customers[Int(c)].id, data.customers[Int(p)].id)
        note(&steps, ctx.rule, .customerNamedNotPayer(reference: r.text, customer: named, payer: payer))
        return nil
      }
      ctx.payer = c
      note(&steps, ctx.rule, .customerNamed(reference: r.text, customer: data.customers[Int(c)].id))
      return c
    }
    return nil
  }
}
