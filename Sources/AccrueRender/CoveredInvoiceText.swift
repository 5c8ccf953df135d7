/// The fixed text of a covered invoice's object in a reminder's pretty JSON, at one indent: its braces, keys,
/// separators and indents, in seven pieces with the values between them (id, number, due date, days overdue,
/// balance, disputed amount). `ReminderRenderer.writeInvoices` writes an invoice as these pieces and its values,
/// exactly the bytes `JSONWriter` writes field by field (`ReminderJSONTests` compares them): a reminder covers ten
/// invoices on average, and their keys and indents, written one by one, were a third of writing its JSON.
final class CoveredInvoiceText {
  /// The indent level of the invoice objects (the members of the `invoices` array).
  let depth: Int
  /// The pieces one after the other, in memory of the object's own (freed with it).
  private let base: UnsafeMutablePointer<UInt8>
  /// Where each piece starts, and where the last ends.
  private let starts: [Int]

  init(depth: Int) {
    self.depth = depth
    let member = "\n" + String(repeating: "  ", count: depth + 1)
    let pieces = [
      "{" + member + "\"id\": ",
      "," + member + "\"number\": ",
      "," + member + "\"due_date\": \"",
      "\"," + member + "\"days_overdue\": ",
      "," + member + "\"balance\": \"",
      "\"," + member + "\"disputed_left_out\": \"",
      "\"\n" + String(repeating: "  ", count: depth) + "}",
    ]
    var bytes: [UInt8] = []
    var starts: [Int] = []
    for p in pieces {
      starts.append(bytes.count)
      bytes += Array(p.utf8)
    }
    starts.append(bytes.count)
    base = .allocate(capacity: bytes.count)
    base.initialize(from: bytes, count: bytes.count)
    self.starts = starts
  }

  deinit { base.deallocate() }

  /// Piece `k` (0 to 6), in place (valid while the object lives).
  @inline(__always) func piece(_ k: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + starts[k], count: starts[k + 1] - starts[k])
  }
}
