import AccrueCore
import AccrueModel

/// The invoices CSV written as bytes: each cell straight into a `TextBuffer` (neutralized and quoted as
/// `InvoiceRenderer.csvField` does), an invoice's first nine cells written once for all its rows, and a large run
/// rendered in chunks by two threads (`InvoiceRenderer.renderInOrder`), emitted in order.
extension InvoiceRenderer {
  /// Writes the invoices CSV (header, the invoices' rows, then the credit notes') a chunk at a time: the same
  /// text as `csv(r)`.
  public static func writeCSV(_ r: BillingResult, _ emit: (String) -> Void) {
    emit(csvHeader + "\r\n")
    let invoices = r.invoices
    renderInOrder(invoices.count, { k, t in writeCSVRows(invoices, k, lead: "", into: &t) }, emit)
    if !r.creditNotes.isEmpty {
      var notes = ""
      CreditNoteRenderer.csvRows(r.creditNotes, into: &notes)
      emit(notes)
    }
  }

  /// The rows of invoice `k` (read in place: a copy would retain all its strings), each starting with `lead`.
  static func writeCSVRows(_ invoices: [PlannedInvoice], _ k: Int, lead: String, into t: inout TextBuffer) {
    // The nine cells every row of the invoice starts with, written once.
    var head = TextBuffer(capacity: 256)
    head.put(lead)
    head.csvCell(invoices[k].key)
    // (Each cell read in place: an array of them made and freed per invoice retained every string.)
    head.put(ascii: ",")
    if let n = invoices[k].number { head.csvCell(n) }
    head.put(ascii: ",")
    head.csvCell(invoices[k].kind.rawValue)
    head.put(ascii: ",")
    head.csvCell(invoices[k].customerID)
    head.put(ascii: ",")
    head.csvCell(invoices[k].contractID)
    head.put(ascii: ",")
    head.csvCell(invoices[k].plan)
    head.put(ascii: ",")
    head.csvCell(invoices[k].currency.code)
    head.put(ascii: ",")
    head.csvCell(invoices[k].issueDate)
    head.put(ascii: ",")
    head.csvCell(invoices[k].dueDate)
    head.put(ascii: ",")
    let c = invoices[k].currency
    invoices[k].lines.withUnsafeBufferPointer { lines in
      for line in lines.indices {
        t.put(head)
        t.put(ascii: "line,")
        t.csvCell(lines[line].description)
        t.put(ascii: ",")
        if let q = lines[line].quantity { t.csvCell(q.description) }
        t.put(ascii: ",")
        if let u = lines[line].unitPrice { t.csvCell(u.description) }
        t.put(ascii: ",")
        t.csvAmount(lines[line].amount, places: c.minorUnits)
        t.put(ascii: ",")
        t.put(lines[line].periodStart)
        t.put(ascii: ",")
        t.put(lastDay(lines[line].periodEnd))
        t.put(ascii: ",")
        t.csvCell(rule: lines[line].rule)
        t.put(ascii: "\r\n")
      }
    }
    for tax in invoices[k].taxes {
      t.put(head)
      t.put(tax.inclusive ? "tax included," : "tax,")
      t.csvCell(tax.label)
      t.put(ascii: ",,,")
      t.csvAmount(tax.amount, places: c.minorUnits)
      t.put(ascii: ",,,")
      t.csvCell(rule: tax.rule)
      t.put(ascii: "\r\n")
    }
    t.put(head)
    t.put(ascii: "total,total,,,")
    t.csvAmount(invoices[k].total, places: c.minorUnits)
    t.put(ascii: ",")
    t.put(invoices[k].periodStart)
    t.put(ascii: ",")
    t.put(lastDay(invoices[k].periodEnd))
    t.put(ascii: ",\r\n")
  }
}

extension TextBuffer {
  /// A literal's bytes: its length and address known where it is written (`put(String)` cost ~90 instructions
  /// for a comma, the string's bytes found at run time; `InvoiceCSVCellTests`).
  @inline(__always) mutating func put(ascii s: StaticString) {
    s.withUTF8Buffer { put($0) }
  }

  /// Payment terms as `BillingText.terms` writes them (`InvoiceTerms.description`), without making the string for the
  /// usual cases (~1,000 instructions an invoice: an interpolation of the period's `RValue`; `InvoiceTermsTextTests`).
  mutating func terms(_ t: InvoiceTerms) {
    func period(_ p: TermsPeriod) -> Bool {
      let (n, unit): (Int64, StaticString)
      switch p {
      case .days(let v): (n, unit) = (v, " day")
      case .businessDays(let v): (n, unit) = (v, " business day")
      case .months(let v): (n, unit) = (v, " month")
      case .unknown: return false
      }
      guard n >= 0 else { return false }
      putDecimal(Int(n))
      put(ascii: unit)
      if n != 1 { put(ascii: "s") }
      return true
    }
    switch t {
    case .dueOnReceipt: put(ascii: "due on receipt")
    case .endOfMonth: put(ascii: "end of month")
    case .installments: put(ascii: "installments")
    case .net(let p):
      put(ascii: "net ")
      if !period(p) { put(p.value.description) }
    case .netEndOfMonth(let p):
      put(ascii: "net ")
      if !period(p) { put(p.value.description) }
      put(ascii: " end of month")
    case .dayOfNextMonth: put(BillingText.terms(t))
    }
  }

  /// A date as `CivilDate.description` writes it, without making a string.
  mutating func put(_ d: CivilDate) {
    if !putISO(d) { put(d.description) }
  }

  /// A date's ten bytes (`CivilDate.writeISO`); false, with nothing written, for a year outside 0...9999.
  @inline(__always) mutating func putISO(_ d: CivilDate) -> Bool {
    var written = false
    write(upTo: 10) { p in
      written = d.writeISO(into: p)
      return written ? 10 : 0
    }
    return written
  }

  /// A date's CSV cell, as `csvCell(d.description)` writes it (a date of four-digit year needs no quote nor `'`).
  mutating func csvCell(_ d: CivilDate) {
    if !putISO(d) { csvCell(d.description) }
  }

  /// A rule's place as the cell `csvCell(r.description)` writes (`file:line`), without making the string: the
  /// file's bytes, then the line's digits, unless the file needs quotes or a `'` (then as the definition).
  mutating func csvCell(rule r: RuleRef) {
    let plain = r.file.withBytes { b in
      guard !b.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return false }
      if let first = b.first, first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D {
        return false
      }
      put(b)
      return true
    }
    guard plain else { return csvCell(r.description) }
    put(ascii: ":")
    putDecimal(r.line)
  }

  /// An amount's cell, as `csvCell(v.formatted(places: p))` writes it (a sign, digits and a point never need quotes
  /// nor a `'`), without making the string (`amount`); else as the definition.
  mutating func csvAmount(_ v: Fixed, places p: Int) {
    if !amount(v, places: p, grouping: false) { csvCell(v.formatted(places: p)) }
  }

  /// An amount as the text shows it, `lpad(v.formatted(places: c.minorUnits, grouping: true), n)` (0: not padded),
  /// without making the string (`amount`); else as the definition.
  mutating func money(_ v: Fixed, _ c: Currency, width n: Int = 0) {
    if !amount(v, places: c.minorUnits, grouping: true, width: n) { lpad(v.formatted(places: c.minorUnits, grouping: true), n) }
  }

  /// `v.formatted(places: p, grouping: grouping)` right-aligned in `width` columns (as `lpad` pads them: its bytes
  /// are ASCII), written in place: for 0 to 18 places and less than 10^18 before the point. False, and nothing
  /// written, otherwise (the caller then writes the string).
  mutating func amount(_ v: Fixed, places p: Int, grouping: Bool, width: Int = 0) -> Bool {
    let raw = v.raw
    let (whole, frac) = raw.magnitude.quotientAndRemainder(dividingBy: UInt128(Fixed.scaleFactor))
    guard p >= 0, p <= 18, whole < 1_000_000_000_000_000_000 else { return false }
    let intPart = UInt64(truncatingIfNeeded: whole)
    var drop: UInt64 = 1  // 10^(18 - p): the digits past `p` places are cut off
    for _ in 0..<(18 - p) { drop &*= 10 }
    let shown = UInt64(truncatingIfNeeded: frac) / drop
    let negative = raw < 0 && (intPart != 0 || shown != 0)
    var digits = 1
    var rest = intPart / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    let total = (negative ? 1 : 0) + digits + (grouping ? (digits - 1) / 3 : 0) + (p > 0 ? 1 + p : 0)
    spaces(width - total)
    write(upTo: total) { out in
      var i = total
      if p > 0 {
        var f = shown
        for _ in 0..<p {
          i -= 1
          out[i] = 0x30 &+ UInt8(truncatingIfNeeded: f % 10)
          f /= 10
        }
        i -= 1
        out[i] = UInt8(ascii: ".")
      }
      // Digits from the last: a comma before each group of three (when grouping) but the first.
      var n = intPart
      for k in 0..<digits {
        if grouping && k > 0 && k % 3 == 0 {
          i -= 1
          out[i] = UInt8(ascii: ",")
        }
        i -= 1
        out[i] = 0x30 &+ UInt8(truncatingIfNeeded: n % 10)
        n /= 10
      }
      if negative { out[0] = UInt8(ascii: "-") }
      return total
    }
    return true
  }

  /// A non-negative integer's decimal digits (as `String(n)` writes them).
  mutating func putDecimal(_ n: Int) {
    guard n >= 0 else { return put(String(n)) }
    var count = 1
    var rest = n / 10
    while rest > 0 {
      count += 1
      rest /= 10
    }
    putDigits(n, count: count)
  }

  /// The last `count` decimal digits of a non-negative `v`, zeros before.
  mutating func putDigits(_ v: Int, count: Int) {
    guard count > 0 else { return }
    write(upTo: count) { out in
      var v = v
      for i in stride(from: count - 1, through: 0, by: -1) {
        out[i] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10)
        v /= 10
      }
      return count
    }
  }

  /// Another buffer's bytes.
  mutating func put(_ other: borrowing TextBuffer) {
    other.withBytes { put($0) }
  }

  /// One CSV cell, as `InvoiceRenderer.csvField` writes it: a leading `'` before what a spreadsheet would run as
  /// a formula, and quotes (inner quotes doubled) around a cell with a comma, a quote or a line end.
  mutating func csvCell(_ s: String) {
    s.withBytes { b in
      let quoted = b.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
      if quoted { put(ascii: "\"") }
      if TextBuffer.formulaLike(b) { put(ascii: "'") }
      if quoted {
        var from = 0
        for (i, c) in b.enumerated() where c == 0x22 {
          put(UnsafeBufferPointer(rebasing: b[from...i]))
          put(ascii: "\"")
          from = i + 1
        }
        put(UnsafeBufferPointer(rebasing: b[from...]))
        put(ascii: "\"")
      } else {
        put(b)
      }
    }
  }

  /// Whether `InvoiceRenderer.neutralized` puts a `'` before these bytes: they begin with `=`, `+`, `-`, `@`, a
  /// tab or a carriage return and are not a plain number.
  static func formulaLike(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = b.first, first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D
    else { return false }
    var digits = 0
    var dots = 0
    for (k, c) in b.enumerated() {
      if c >= 0x30 && c <= 0x39 {
        digits += 1
      } else if c == 0x2E {
        dots += 1
      } else if !(k == 0 && c == 0x2D) {
        return true
      }
    }
    return !(digits > 0 && dots <= 1)
  }
}
