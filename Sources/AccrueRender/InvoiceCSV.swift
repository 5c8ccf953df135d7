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
    for cell in [
      invoices[k].number ?? "", invoices[k].kind.rawValue, invoices[k].customerID, invoices[k].contractID, invoices[k].plan,
      invoices[k].currency.code, invoices[k].issueDate.description, invoices[k].dueDate.description,
    ] {
      head.put(",")
      head.csvCell(cell)
    }
    head.put(",")
    let c = invoices[k].currency
    for l in invoices[k].lines.indices {
      let line = invoices[k].lines[l]
      t.put(head)
      t.put("line,")
      t.csvCell(line.description)
      t.put(",")
      if let q = line.quantity { t.csvCell(q.description) }
      t.put(",")
      if let u = line.unitPrice { t.csvCell(u.description) }
      t.put(",")
      t.csvCell(plain(line.amount, c))
      t.put(",")
      t.put(line.periodStart.description)
      t.put(",")
      t.put(lastDay(line.periodEnd).description)
      t.put(",")
      t.csvCell(line.rule.description)
      t.put("\r\n")
    }
    for tax in invoices[k].taxes {
      t.put(head)
      t.put(tax.inclusive ? "tax included," : "tax,")
      t.csvCell(tax.label)
      t.put(",,,")
      t.csvCell(plain(tax.amount, c))
      t.put(",,,")
      t.csvCell(tax.rule.description)
      t.put("\r\n")
    }
    t.put(head)
    t.put("total,total,,,")
    t.csvCell(plain(invoices[k].total, c))
    t.put(",")
    t.put(invoices[k].periodStart.description)
    t.put(",")
    t.put(lastDay(invoices[k].periodEnd).description)
    t.put(",\r\n")
  }
}

extension TextBuffer {
  /// Another buffer's bytes.
  mutating func put(_ other: borrowing TextBuffer) {
    other.withBytes { put($0) }
  }

  /// One CSV cell, as `InvoiceRenderer.csvField` writes it: a leading `'` before what a spreadsheet would run as
  /// a formula, and quotes (inner quotes doubled) around a cell with a comma, a quote or a line end.
  mutating func csvCell(_ s: String) {
    s.withBytes { b in
      let quoted = b.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
      if quoted { put("\"") }
      if TextBuffer.formulaLike(b) { put("'") }
      if quoted {
        var from = 0
        for (i, c) in b.enumerated() where c == 0x22 {
          put(UnsafeBufferPointer(rebasing: b[from...i]))
          put("\"")
          from = i + 1
        }
        put(UnsafeBufferPointer(rebasing: b[from...]))
        put("\"")
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
