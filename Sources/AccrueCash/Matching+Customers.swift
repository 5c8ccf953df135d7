import AccrueCore
import AccrueData

/// References that name a customer rather than an invoice (a customer number in the remittance text).
extension Matcher {
  /// Customers by the key of their id (letters and digits, upper case); a key two customers share names neither.
  static func customerKeys(_ customers: [CustomerData]) -> [String: Int32] {
    var out: [String: Int32] = [:]
    for (i, c) in customers.enumerated() {
      guard let key = ReferenceKeys.keys(c.id).first else { continue }
      out[key] = out[key] == nil ? Int32(i) : -1
    }
    return out.filter { $0.value >= 0 }
  }

  /// The customer the references name (the first found), when no invoice is named; it becomes the payer unless
  /// another payer was found, which wins (the reference then names nobody for this rule).
  func customerNamed(_ refs: [FoundRef], _ ctx: inout RuleContext, _ notes: inout [String], _ head: String) -> Int32? {
    for r in refs {
      guard let key = ReferenceKeys.keys(r.text).first, let c = customerRefs[key] else { continue }
      if let p = ctx.payer, p != c {
        if explaining { notes.append("\(head): '\(r.text)' names customer \(data.customers[Int(c)].id), but the payer is \(data.customers[Int(p)].id)") }
        return nil
      }
      ctx.payer = c
      if explaining { notes.append("\(head): '\(r.text)' names customer \(data.customers[Int(c)].id)") }
      return c
    }
    return nil
  }
}
