import AccrueCore

/// The fixed text of a covered invoice's object in a reminder's pretty JSON, at one indent: its braces, keys,
/// separators and indents, in seven pieces with the values between them (id, number, due date, days overdue,
/// balance, disputed amount). `ReminderRenderer.writeInvoices` writes an invoice as these pieces and its values,
/// exactly the bytes `JSONWriter` writes field by field (`ReminderJSONTests` compares them): a reminder covers ten
/// invoices on average, and their keys and indents, written one by one, were a third of writing its JSON. Values
/// that repeat are kept as text too: a zero amount (nearly every invoice's disputed amount), and the due dates
/// seen last (invoices share few due dates; a date's digits cost a division each).
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
    dateText = .allocate(capacity: 10 * CoveredInvoiceText.dateSlots)
    dateDays = .allocate(capacity: CoveredInvoiceText.dateSlots)
    dateDays.initialize(repeating: .min, count: CoveredInvoiceText.dateSlots)
  }

  deinit {
    base.deallocate()
    dateText.deallocate()
    dateDays.deallocate()
  }

  /// "0.000000000000000000": zero with `places` decimals is its first 2 + places bytes (`"0"` with none).
  private static let zeros: StaticString = "0.000000000000000000"

  /// Zero as `JSONWriter.amount(.zero, places:grouping:)` writes it, for 0 to 18 places (nil beyond).
  @inline(__always) func zero(places: Int) -> UnsafeBufferPointer<UInt8>? {
    guard places >= 0 && places <= 18 else { return nil }
    return UnsafeBufferPointer(start: CoveredInvoiceText.zeros.utf8Start, count: places == 0 ? 1 : 2 + places)
  }

  /// Due dates written before, direct-mapped on the day (a day evicts the one `dateSlots` days apart): the day in
  /// each slot, and its ten bytes.
  static let dateSlots = 64
  private let dateDays: UnsafeMutablePointer<Int32>
  private let dateText: UnsafeMutablePointer<UInt8>

  /// Writes a date as `JSONWriter.date` does: copied when its slot holds it, else written and kept (when it is the
  /// usual ten bytes).
  func date(_ d: CivilDate, into w: inout JSONWriter) {
    let slot = Int(d.dayNumber) & (CoveredInvoiceText.dateSlots - 1)
    let text = dateText + 10 * slot
    if dateDays[slot] == d.dayNumber { return w.raw(UnsafeBufferPointer(start: text, count: 10)) }
    let start = w.count
    w.date(d)
    guard w.count - start == 10 else { return }
    w.withBytes { text.update(from: $0.baseAddress! + start, count: 10) }
    dateDays[slot] = d.dayNumber
  }

  /// Piece `k` (0 to 6), in place (valid while the object lives).
  @inline(__always) func piece(_ k: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + starts[k], count: starts[k + 1] - starts[k])
  }
}
