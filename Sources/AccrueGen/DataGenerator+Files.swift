import AccrueCore

#if canImport(Darwin)
  import Darwin
#else
  import Glibc
#endif

extension DataGeneration {
  // MARK: usage.csv

  func writeUsage(_ path: String) throws {
    let out = try GenCSVSink(path: path)
    out.lit("id,customer,contract,date,name,quantity,amount,currency,status_code\n")
    var r = rng(2)
    let first = addMonths(asOf, -1)
    let days = Int(asOf - first)
    var api: [Int32] = []
    var business: [Int32] = []
    var baseUsers: [Int32] = []
    for i in 0..<ctrPlan.count {
      if ctrPlan[i].metersAPI { api.append(Int32(i)) }
      if ctrPlan[i].annual {
        business.append(Int32(i))
        let seg = Int(custSegment[Int(ctrCustomer[i])])
        baseUsers.append(Int32(seg == 3 ? 5_000 + r.below(70_000) : 1_000 + r.below(15_000)))
      }
    }
    var id = 0
    let total = o.events
    if api.isEmpty {  // no contracts at all (contract 1 is always a Team contract)
      try out.finish()
      return
    }
    for d in 0..<days {
      let day = first + Int32(d)
      let quota = total * (d + 1) / days - total * d / days
      var written = 0
      let weekend = CivilDate(dayNumber: day).weekday.rawValue >= 6
      // Daily snapshots of tracked users.
      for (k, ci) in business.enumerated() where written < quota {
        let i = Int(ci)
        guard ctrStart[i] <= day && day <= ctrEnd[i] else { continue }
        let base = Int(baseUsers[k])
        let level = (weekend ? 60 : 95) + r.below(6)
        id += 1
        written += 1
        try out.row()
        row(out, id: id, contract: i, day: day)
        out.lit("users.daily_active,")
        out.uint(UInt64(max(1, base * level / 100)))
        out.lit(",,,\n")
      }
      while written < quota {
        var i = Int(api[r.below(api.count)])
        var tries = 0
        while !(ctrStart[i] <= day && day <= ctrEnd[i]) {
          tries += 1
          if tries < 16 {
            i = Int(api[r.below(api.count)])
          } else {
            // Contract 0 is a Team contract active all month, so this ends.
            var j = 0
            while !(ctrStart[Int(api[j])] <= day && day <= ctrEnd[Int(api[j])]) { j += 1 }
            i = Int(api[j])
          }
        }
        id += 1
        written += 1
        try out.row()
        row(out, id: id, contract: i, day: day)
        out.lit("api.request,")
        let scale = Int(ctrSeats[i]) * 40
        out.uint(UInt64(1 + r.below(weekend ? scale / 2 + 1 : scale + 1)))
        out.lit(",,,")
        out.lit(statusCode(r.below(1000)))
        out.newline()
      }
    }
    try out.finish()
  }

  /// HTTP status of an API batch from a number in 0..<1000: 90% 200, 5% 201/204, 3% 4xx, 2% 5xx.
  func statusCode(_ s: Int) -> StaticString {
    if s < 900 { return "200" }
    if s < 930 { return "201" }
    if s < 950 { return "204" }
    if s < 965 { return "404" }
    if s < 975 { return "429" }
    if s < 980 { return "400" }
    if s < 990 { return "500" }
    if s < 995 { return "502" }
    return "503"
  }

  /// `id,customer,contract,date,` of a usage row.
  @inline(__always) func row(_ out: GenCSVSink, id: Int, contract i: Int, day: Int32) {
    out.lit("evt-")
    out.padded(id, width: evtWidth)
    out.lit(",cust-")
    out.padded(Int(ctrCustomer[i]) + 1, width: custWidth)
    out.lit(",ctr-")
    out.padded(i + 1, width: ctrWidth)
    out.comma()
    date(day, out)
    out.comma()
  }

  // MARK: invoices.csv

  mutating func writeInvoices(_ path: String) throws {
    let out = try GenCSVSink(path: path)
    out.lit(
      "id,number,kind,customer,contract,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,reference,period_start,period_end\n"
    )
    let n = ctrPlan.isEmpty ? 0 : o.openInvoices
    var r = rng(3)
    var contract = [Int32](repeating: 0, count: n)
    var issue = [Int32](repeating: 0, count: n)
    for j in 0..<n {
      let i = r.below(ctrPlan.count)
      contract[j] = Int32(i)
      var day = asOf - 1 - Int32(r.below(183))
      if day < ctrStart[i] { day = ctrStart[i] + Int32(r.below(Int(asOf - ctrStart[i]))) }
      if day > ctrEnd[i] { day = ctrEnd[i] }  // the final invoice of a contract that has ended
      issue[j] = day
    }
    // Numbered by issue date.
    let order = (0..<n).sorted { issue[$0] != issue[$1] ? issue[$0] < issue[$1] : $0 < $1 }
    invContract.reserveCapacity(n)
    invIssue.reserveCapacity(n)
    invAmount.reserveCapacity(n)
    invPaid.reserveCapacity(n)
    for (seq, j) in order.enumerated() {
      let i = Int(contract[j])
      let day = issue[j]
      let plan = ctrPlan[i]
      let c = Int(ctrCustomer[i])
      let seats = Int64(ctrSeats[i])
      let german = GenWords.countries[Int(custCountry[c])].code == "DE"
      var amount: Int64
      var due: Int32
      var months = 1
      switch plan {
      case .starter:
        amount = 4_900
        due = day
      case .team:
        amount = seats * 1_500 + (r.below(5) < 2 ? Int64(r.below(Int(seats) * 400 + 1)) : 0)
        due = day + 30
      case .teamEU:
        amount = seats * 1_400 + (r.below(5) < 2 ? Int64(r.below(Int(seats) * 400 + 1)) : 0)
        due = CivilDate(dayNumber: day).endOfMonth.dayNumber + 30
      case .business:
        months = 12
        if r.below(10) < 6 {
          amount = 1_800_000 + (r.below(7) == 0 ? 250_000 : 0)
        } else {
          amount = Int64(1_000 + r.below(19_000)) * 90  // tracked-users true-up at 0.90 USD
        }
        due = day + 30
      case .businessEU:
        months = 12
        let part = r.below(3)
        amount = part == 0 ? 825_000 : 412_500
        due = day + [30, 120, 210][part]
      }
      if plan.euro && german { amount += percentHalfEven(amount, 19) }
      var paid: Int64 = 0
      if r.below(100) < 12 { paid = amount * Int64(10 + r.below(81)) / 100 }
      var disputed: Int64 = 0
      if r.below(100) < 6 { disputed = (amount - paid) * Int64(10 + r.below(91)) / 100 }
      invContract.append(Int32(i))
      invIssue.append(day)
      invAmount.append(amount)
      invPaid.append(paid)

      let year = ymd(day).year
      try out.row()
      for _ in 0..<2 {
        out.lit("INV-")
        out.uint(UInt64(year))
        out.byte(0x2D)
        out.padded(seq + 1, width: invWidth)
        out.comma()
      }
      out.lit("invoice,cust-")
      out.padded(c + 1, width: custWidth)
      out.lit(",ctr-")
      out.padded(i + 1, width: ctrWidth)
      out.comma()
      date(day, out)
      out.comma()
      date(due, out)
      out.comma()
      out.lit(plan.euro ? "EUR," : "USD,")
      out.cents(amount)
      out.comma()
      if paid > 0 { out.cents(paid) }
      out.comma()
      if disputed > 0 { out.cents(disputed) }
      out.lit(",open,")
      if plan.euro { out.bytes(Array(creditorReference(invoiceDigits(year: year, seq: seq + 1)).utf8)) }
      out.comma()
      date(day, out)
      out.comma()
      date(addMonths(day, months) - 1, out)
      out.newline()
    }
    try out.finish()
  }

  /// "2026000123" for INV-2026-000123.
  func invoiceDigits(year: Int, seq: Int) -> String {
    let s = String(seq)
    return String(year) + String(repeating: "0", count: max(0, invWidth - s.count)) + s
  }

  func invoiceNumber(_ k: Int) -> (year: Int, seq: Int) { (ymd(invIssue[k]).year, k + 1) }

  // MARK: payments.csv

  func writePayments(_ path: String) throws {
    let out = try GenCSVSink(path: path)
    out.lit("id,booking_date,value_date,amount,currency,reference,remittance,payer_name,payer_account\n")
    var r = rng(4)
    let nInv = invAmount.count
    // Invoices by customer (indices in number order).
    let customers = custCountry.count
    var startOf = [Int](repeating: 0, count: customers + 1)
    for k in 0..<nInv { startOf[Int(ctrCustomer[Int(invContract[k])]) + 1] += 1 }
    for c in 0..<customers { startOf[c + 1] += startOf[c] }
    var fill = startOf
    var byCustomer = [Int32](repeating: 0, count: nInv)
    for k in 0..<nInv {
      let c = Int(ctrCustomer[Int(invContract[k])])
      byCustomer[fill[c]] = Int32(k)
      fill[c] += 1
    }
    func customer(_ k: Int) -> Int { Int(ctrCustomer[Int(invContract[k])]) }
    func euro(_ k: Int) -> Bool { ctrPlan[Int(invContract[k])].euro }
    func open(_ k: Int) -> Int64 { invAmount[k] - invPaid[k] }

    for p in 0..<o.payments {
      var kind = r.below(100)
      if nInv == 0 { kind = 95 }
      var booking = asOf - 1 - Int32(r.below(30))
      var amount: Int64 = 0
      var isEuro = false
      var reference: [UInt8] = []
      var remittance: [UInt8] = []
      var payer: Int? = nil
      var invoices: [Int] = []
      if kind < 90 {
        let k = r.below(nInv)
        invoices = [k]
        payer = customer(k)
        isEuro = euro(k)
        amount = open(k)
        if kind >= 45 && kind < 55 && !isEuro { kind = 0 }  // no RF references on USD invoices
        if kind >= 72 && kind < 82 {
          // Several invoices of the same customer in one payment.
          let c = customer(k)
          let same = (startOf[c]..<startOf[c + 1]).map { Int(byCustomer[$0]) }.filter { $0 != k && euro($0) == isEuro }
          if same.isEmpty {
            kind = 0
          } else {
            let extra = min(same.count, 1 + r.below(2))
            for e in 0..<extra { invoices.append(same[(r.below(same.count) + e) % same.count]) }
            invoices = Array(Set(invoices)).sorted()
            amount = invoices.reduce(0) { $0 + open($1) }
          }
        }
        switch kind {
        case 55..<65:  // short: a bank fee within tolerance, or a deduction beyond it
          let cut = r.below(2) == 0 ? max(1, amount / 1_500) : max(1, amount * Int64(5 + r.below(11)) / 100)
          amount = max(1, amount - cut)
        case 65..<72:  // over: a few cents to a few dollars, or a duplicate-looking large amount
          amount += r.below(3) == 0 ? amount / 2 : Int64(1 + r.below(999))
        case 82..<90:  // a round sum on account
          amount = max(10_000, (amount / 10_000 + Int64(r.below(3))) * 10_000)
        default: break
        }
        for k in invoices { booking = max(booking, invIssue[k]) }
        if kind >= 45 && kind < 55 {
          let (y, s) = invoiceNumber(k)
          reference = Array(creditorReference(invoiceDigits(year: y, seq: s)).utf8)
          if r.below(2) == 0 { remittance = Array("SEPA CREDIT TRANSFER".utf8) }
        } else if !(kind >= 35 && kind < 45) && !(kind >= 82 && kind < 90) {
          remittance = remittanceText(invoices, &r)
        }
      } else {
        isEuro = r.below(3) == 0
        amount = Int64(1_000 + r.below(500_000))
        let texts = ["Order 55121", "Q3 services", "", "Rechnung Oktober", "Facture 2026-10", "ref 88213 thank you"]
        remittance = Array(texts[r.below(texts.count)].utf8)
      }
      let value = min(asOf - 1, booking + Int32([0, 0, 0, 1, 2][r.below(5)]))

      try out.row()
      out.lit("pay-")
      out.padded(p + 1, width: payWidth)
      out.comma()
      date(booking, out)
      out.comma()
      date(value, out)
      out.comma()
      out.cents(amount)
      out.lit(isEuro ? ",EUR," : ",USD,")
      out.bytes(reference)
      out.comma()
      out.field(remittance)
      out.comma()
      if let c = payer {
        var name = nameBytes(c)
        let style = r.below(10)
        if style < 2 { name = name.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 } }
        if style == 2 && name.count > 20 { name = Array(name[0..<20]) }
        out.field(name)
        out.comma()
        if r.below(5) != 0 { out.bytes(account(c)) }
      } else {
        out.field(Array(GenWords.strangers[r.below(GenWords.strangers.count)].utf8))
        out.comma()
        if r.below(2) == 0 {
          var bban = ""
          for _ in 0..<18 { bban += String(r.below(10)) }
          out.bytes(Array(iban(country: isEuro ? "DE" : "GB", bban: bban).utf8))
        }
      }
      out.newline()
    }
    try out.finish()
  }

  /// How people retype invoice numbers in the remittance text.
  func remittanceText(_ invoices: [Int], _ r: inout SeededRandom) -> [UInt8] {
    var parts: [String] = []
    for k in invoices {
      let (y, s) = invoiceNumber(k)
      let padded = invoiceDigits(year: y, seq: s).dropFirst(4)
      switch r.below(8) {
      case 0: parts.append("inv \(y) \(s)")
      case 1: parts.append("INV\(y)\(padded)")
      case 2: parts.append("INV-\(y)-00\(padded)")
      case 3: parts.append("INV-\(y)-\n\(padded)")
      case 4: parts.append("Invoice INV-\(y)-\(padded)")
      default: parts.append("INV-\(y)-\(padded)")
      }
    }
    var text = parts.joined(separator: r.below(2) == 0 ? ", " : " ")
    switch r.below(4) {
    case 0: text = "Payment " + text
    case 1: text += " / PO 45000\(10_000 + r.below(90_000))"
    default: break
    }
    return Array(text.utf8)
  }
}

// MARK: - Helpers

/// `amount * percent / 100`, rounded half even (amounts in minor units).
private func percentHalfEven(_ amount: Int64, _ percent: Int64) -> Int64 {
  let x = amount * percent
  var q = x / 100
  let rem = x % 100
  if rem > 50 || (rem == 50 && q % 2 != 0) { q += 1 }
  return q
}

/// ISO 7064 mod 97-10 over letters (A = 10 ... Z = 35) and digits.
private func mod97(_ text: String) -> Int {
  var m = 0
  for b in text.utf8 {
    if b >= 0x30 && b <= 0x39 {
      m = (m * 10 + Int(b - 0x30)) % 97
    } else if b >= 0x41 && b <= 0x5A {
      m = (m * 100 + Int(b - 0x41) + 10) % 97
    }
  }
  return m
}

/// ISO 11649 creditor reference: "RF" + two check digits + the reference.
private func creditorReference(_ body: String) -> String {
  let check = 98 - mod97(body + "RF00")
  return "RF" + (check < 10 ? "0" : "") + String(check) + body
}

/// An IBAN with valid check digits (ISO 13616).
func iban(country: String, bban: String) -> String {
  let check = 98 - mod97(bban + country + "00")
  return country + (check < 10 ? "0" : "") + String(check) + bban
}
