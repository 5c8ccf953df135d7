import AccrueCore
import AccrueModel

/// Reads a statement CSV's rows with a format: the header's columns found by name (spaces around them and letter
/// case ignored), then each row made a `BankTransaction` (credits positive), or its bad cells reported.
struct RowReader {
  let format: StatementFormat
  let path: String
  let amounts: AmountSyntax
  /// Each column the format reads: its index in the header, by the name the rules give it.
  var index: [String: Int] = [:]
  let headerCount: Int
  var issues: [DataIssue] = []

  init(format: StatementFormat, path: String, header: CSVRecord) {
    self.format = format
    self.path = path
    amounts = AmountSyntax(decimal: format.decimal, thousands: format.thousands)
    headerCount = header.cells.count
    var byName: [String: Int] = [:]
    var twice: [String: (Int, Int)] = [:]
    for (k, c) in header.cells.enumerated() {
      let key = c.text.trimmingSpaces().lowercased()
      if let first = byName[key] { twice[key] = twice[key] ?? (first, k) } else { byName[key] = k }
    }
    let names = header.cells.map { $0.text.trimmingSpaces() }
    for (role, column) in format.columns {
      if let (a, b) = twice[column.trimmingSpaces().lowercased()] {
        let c = header.cells[b]
        issues.append(
          MappedCSV.issue(
            path, c.line, c.column, "D0101",
            "the header has the column \"\(column)\" twice (fields \(a + 1) and \(b + 1)): which one holds the \(role) cannot be told; rename one in the file",
            record: header.raw))
        continue
      }
      if let k = byName[column.trimmingSpaces().lowercased()] {
        index[column] = k
        continue
      }
      var message = "the header has no column \"\(column)\" (the \(role) of statement format \(format.name), \(format.rule))"
      if let s = Suggest.closest(to: column, among: names) {
        message += "; did you mean \"\(s)\"? The header's columns: "
      } else {
        message += "; the header's columns: "
      }
      message += names.map { "\"\($0)\"" }.joined(separator: ", ")
      if header.cells.count == 1, let d = [";", ",", "\t", "|"].first(where: { header.raw.contains($0) && String(format.delimiter) != $0 }) {
        message += ". The header is one column: is the delimiter \"\(d == "\t" ? "\\t" : d)\" rather than \"\(format.delimiter == "\t" ? "\\t" : String(format.delimiter))\"?"
      }
      issues.append(MappedCSV.issue(path, header.line, 1, "D0201", message, record: header.raw))
    }
  }

  /// The cell of a column on a row (nil when the row is short: reported once per row by the caller).
  func cell(_ record: CSVRecord, _ column: String) -> CSVCell? {
    guard let k = index[column], k < record.cells.count else { return nil }
    return record.cells[k]
  }

  mutating func bad(_ record: CSVRecord, _ c: CSVCell, _ code: String, _ message: String) {
    issues.append(MappedCSV.issue(path, c.line, c.column, code, message, record: record.raw))
  }

  /// A row's transaction; nil when a cell is bad (each reported).
  mutating func transaction(_ record: CSVRecord) -> BankTransaction? {
    // A row of other length than the header (one trailing empty field aside) is refused: a field with the delimiter
    // in it, not quoted (1,234.56 in a comma file), shifts every column after it.
    let extra = record.cells.count - headerCount
    let trailingEmpty = extra == 1 && record.cells.last?.text.trimmingSpaces().isEmpty == true
    guard (extra == 0 || trailingEmpty || (extra < 0 && format.columns.allSatisfy({ (index[$0.column] ?? 0) < record.cells.count }))) else {
      let c = record.cells.last ?? CSVCell(text: "", line: record.line, column: 1)
      bad(record, c, "D0101", "the row has \(record.cells.count) field(s), the header \(headerCount): is a delimiter missing, or a field with the delimiter in it not quoted?")
      return nil
    }
    let before = issues.count
    let booked = date(record, format.date, required: true)
    let value = format.valueDate.flatMap { date(record, $0, required: false) }
    let currency = self.currency(record)
    let amount = self.amount(record, currency: currency)
    guard issues.count == before, let booked, let currency, let amount else { return nil }
    func text(_ column: String?) -> String {
      guard let column, let c = cell(record, column) else { return "" }
      return c.text.trimmingSpaces()
    }
    return BankTransaction(
      bookingDate: booked, valueDate: value, amount: amount, currency: currency, reference: text(format.reference),
      endToEndID: text(format.endToEndID), bankReference: text(format.bankReference), remittance: text(format.remittance),
      counterpartyName: text(format.counterpartyName), counterpartyAccount: text(format.counterpartyAccount), source: "\(path):\(record.line)")
  }

  mutating func date(_ record: CSVRecord, _ spec: (column: String, format: DateFormat), required: Bool) -> CivilDate? {
    guard let c = cell(record, spec.column) else { return nil }
    let t = c.text.trimmingSpaces()
    if t.isEmpty {
      if required { bad(record, c, "D0203", "the column \"\(spec.column)\" is empty: the booking date is needed, written \(spec.format) (such as \(spec.format.example))") }
      return nil
    }
    guard let d = spec.format.date(Substring(t)) else {
      // Written in the format's shape (the same digits and separators as its example) but no day of the calendar.
      let example = spec.format.example
      if t.count == example.count, zip(t, example).allSatisfy({ $0.isNumber == $1.isNumber && ($0.isNumber || $0 == $1) }) {
        bad(record, c, "D0204", "the column \"\(spec.column)\" holds \"\(t)\", written \(spec.format) but no day of the calendar (a day past the month's end?)")
        return nil
      }
      let hint = MappedCSV.dateHint(t, spec.format, column: spec.column)
      bad(record, c, "D0204", "the column \"\(spec.column)\" holds \"\(t)\", not a date written \(spec.format) (such as \(spec.format.example))" + hint)
      return nil
    }
    return d
  }

  mutating func currency(_ record: CSVRecord) -> Currency? {
    switch format.currency {
    case .fixed(let c): return c
    case .column(let column):
      guard let c = cell(record, column) else { return nil }
      let t = c.text.trimmingSpaces()
      if let cur = Currency.lookup(t.uppercased()) { return cur }
      let known: [String: String] = ["€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "FR.": "CHF", "SFR": "CHF"]
      let suggestion = known[t.uppercased()] ?? Suggest.closest(to: t.uppercased(), among: Currency.all.map(\.code))
      bad(
        record, c, t.isEmpty ? "D0203" : "D0206",
        (t.isEmpty ? "the column \"\(column)\" is empty" : "the column \"\(column)\" holds \"\(t)\", not an ISO 4217 currency code")
          + (suggestion.map { "; did you mean \($0)?" } ?? ": write a three-letter code such as EUR or USD"))
      return nil
    }
  }

  /// The signed amount (credits positive), from one signed column or from the credit and debit columns.
  mutating func amount(_ record: CSVRecord, currency: Currency?) -> Fixed? {
    switch format.amount {
    case .signed(let column):
      guard let c = cell(record, column) else { return nil }
      switch read(record, c, column, currency) {
      case .value(let v): return v
      case .empty:
        bad(record, c, "D0203", "the column \"\(column)\" is empty: write the amount with \(amounts.described), such as \(amounts.example)")
        return nil
      case .invalid: return nil
      }
    case .split(let creditColumn, let debitColumn):
      guard let cc = cell(record, creditColumn), let dc = cell(record, debitColumn) else { return nil }
      let credit = read(record, cc, creditColumn, currency)
      let debit = read(record, dc, debitColumn, currency)
      if credit == .invalid || debit == .invalid { return nil }
      if case .value(let v) = credit, v.isNegative {
        bad(record, cc, "D0205", "the credit column \"\(creditColumn)\" holds a negative amount: money received is written without a minus (money paid out goes in \"\(debitColumn)\")")
        return nil
      }
      // An explicit zero in one column beside an amount in the other counts as empty.
      let c = credit.nonZero
      let d = debit.nonZero
      switch (c, d) {
      case (let v?, nil): return v
      case (nil, let v?): return v.magnitude?.negated
      case (nil, nil):
        bad(record, cc, "D0203", "neither \"\(creditColumn)\" nor \"\(debitColumn)\" holds an amount: each row is money in or money out")
      case (.some, .some):
        bad(record, cc, "D0205", "both \"\(creditColumn)\" and \"\(debitColumn)\" hold an amount: a row is money in or money out, not both")
      }
      return nil
    }
  }

  /// A cell's amount; an invalid one (bad syntax, finer than the currency's minor units) is reported.
  mutating func read(_ record: CSVRecord, _ c: CSVCell, _ column: String, _ currency: Currency?) -> AmountSyntax.Outcome {
    let outcome = amounts.read(c.text)
    switch outcome {
    case .invalid:
      bad(record, c, "D0205", "the column \"\(column)\" holds \"\(c.text.trimmingSpaces())\", not an amount written with \(amounts.described) (such as \(amounts.example), 1\(amounts.decimal)50- or (1\(amounts.decimal)50) for a debit)" + amounts.hint(c.text))
    case .value(let v):
      if let cur = currency, v.significantFractionDigits > cur.minorUnits {
        bad(record, c, "D0208", "the column \"\(column)\" holds \"\(c.text.trimmingSpaces())\", finer than \(cur.code) has (\(cur.minorUnits) decimal\(cur.minorUnits == 1 ? "" : "s")): amounts are never rounded")
        return .invalid
      }
    case .empty: break
    }
    return outcome
  }
}

extension AmountSyntax.Outcome {
  /// The amount when there is one and it is not zero.
  var nonZero: Fixed? {
    if case .value(let v) = self, !v.isZero { return v }
    return nil
  }
}
