import AccrueModel

/// The CSV reader's header and rows: fields converted into a row's values through the `RowAssembler`, each
/// problem located (invalid UTF-8, control characters, field counts).
extension CSVReader {
  mutating func processHeader(
    _ p: UnsafeMutablePointer<UInt8>, recordStart: Int, recordEnd: Int, line: Int, high: Bool,
    _ emit: (DataIssue) -> Void
  ) {
    let schema = asm.schema
    headerCount = fields.count
    map = Array(repeating: -1, count: fields.count)
    var mapped = Array(repeating: false, count: schema.columns.count)
    var issues: [DataIssue] = []
    var cursor = ColumnCursor()
    for j in 0..<fields.count {
      let f = fields[j]
      let col = column(p, f.pos, lineStart: f.lineStart, high: high, &cursor)
      if f.high, let k = UTF8Scan.firstInvalid(p, f.start, f.end) {
        let at = locate(p, from: f.lineStart, line: f.line, to: f.start + k)
        issues.append(
          DataIssue(
            code: "D0101", file: file, line: at.line, column: at.column, message: "invalid UTF-8 in the header row"))
        continue
      }
      if f.ctl || f.high, let k = UTF8Scan.firstControl(p, f.start, f.end) {
        let at = locate(p, from: f.lineStart, line: f.line, to: f.start + k)
        issues.append(
          DataIssue(
            code: "D0101", file: file, line: at.line, column: at.column,
            message: UTF8Scan.controlMessage(UTF8Scan.controlValue(p, f.start + k), in: "the header row")))
        continue
      }
      let name: String
      if f.escaped {
        unescape(p, f)
        name = String(decoding: scratch, as: UTF8.self)
      } else {
        name = String(decoding: UnsafeBufferPointer(start: p + f.start, count: f.end - f.start), as: UTF8.self)
      }
      if let idx = schema.columns.firstIndex(where: { $0.name == name }) {
        if mapped[idx] {
          issues.append(
            DataIssue(
              code: "D0101", file: file, line: f.line, column: col,
              message: "column '\(name)' appears twice in the header"))
        } else {
          mapped[idx] = true
          map[j] = idx
        }
      } else {
        issues.append(
          DataIssue(
            code: "D0202", file: file, line: f.line, column: col,
            message: Suggest.unknownColumnMessage(name, table: schema.name, names: schema.columns.map(\.name))))
      }
    }
    absent = schema.columns.indices.filter { !mapped[$0] }
    for idx in absent where schema.columns[idx].required {
      issues.append(
        DataIssue(
          code: "D0201", file: file, line: line, column: 1,
          message: "missing required column '\(schema.columns[idx].name)' in the header of \(schema.name)"))
      deliverRows = false
    }
    asm.currencyInHeader = asm.currencyIndex >= 0 && mapped[asm.currencyIndex]
    if !issues.isEmpty {
      let text = recordText(p, from: recordStart, to: recordEnd)
      for var issue in issues {
        issue.record = text
        emit(issue)
      }
    }
  }

  @inline(__always)
  mutating func processRow(
    _ p: UnsafeMutablePointer<UInt8>, recordStart: Int, recordEnd: Int, line: Int, high: Bool,
    _ emit: (DataIssue) -> Void, _ body: (borrowing Row) -> Void
  ) {
    let count = fields.count
    if count != headerCount {
      fieldCountIssue(p, recordStart: recordStart, recordEnd: recordEnd, line: line, high: high, emit)
      return
    }
    asm.beginCSVRow(line: line, absent: absent)
    // The row's arrays are moved out while the fields are stored, so that each is checked for
    // uniqueness once per row instead of once per write.
    var values: [Value] = []
    var columns: [Int] = []
    var lines: [Int] = []
    swap(&values, &asm.row.values)
    swap(&columns, &asm.row.columns)
    swap(&lines, &asm.row.lines)
    values.withUnsafeMutableBufferPointer { vp in
      columns.withUnsafeMutableBufferPointer { cp in
        lines.withUnsafeMutableBufferPointer { lp in
          storeFields(p, count: count, high: high, vp, cp, lp)
        }
      }
    }
    swap(&values, &asm.row.values)
    swap(&columns, &asm.row.columns)
    swap(&lines, &asm.row.lines)
    if asm.finishRow() {
      guard deliverRows else { return }
      let n = min(recordEnd - recordStart, RecordText.maxBytes)
      asm.row.rawBytes.replaceSubrange(
        0..<asm.row.rawBytes.count, with: UnsafeBufferPointer(start: p + recordStart, count: n))
      body(asm.row)
    } else {
      let text = recordText(p, from: recordStart, to: recordEnd)
      for var issue in asm.pending {
        issue.record = text
        emit(issue)
      }
    }
  }

  /// Converts the fields of a record with the right field count into the row's values and positions.
  @inline(__always)
  mutating func storeFields(
    _ p: UnsafeMutablePointer<UInt8>, count: Int, high: Bool, _ vp: UnsafeMutableBufferPointer<Value>,
    _ cp: UnsafeMutableBufferPointer<Int>, _ lp: UnsafeMutableBufferPointer<Int>
  ) {
    var cursor = ColumnCursor()
    for j in 0..<count {
      let idx = map[j]
      if idx < 0 { continue }
      let f = fields[j]
      let col = high ? column(p, f.pos, lineStart: f.lineStart, high: true, &cursor) : f.pos - f.lineStart + 1
      cp[idx] = col
      lp[idx] = f.line
      if f.high, let k = UTF8Scan.firstInvalid(p, f.start, f.end) {
        let at = locate(p, from: f.lineStart, line: f.line, to: f.start + k)
        asm.addIssue(
          "D0101", line: at.line, column: at.column,
          "invalid UTF-8 in column '\(asm.names[idx])' (byte 0x\(String(p[f.start + k], radix: 16, uppercase: true)))")
        asm.markBadValue(idx)
        vp[idx] = .missing
        continue
      }
      if f.ctl || f.high, let k = UTF8Scan.firstControl(p, f.start, f.end) {
        let at = locate(p, from: f.lineStart, line: f.line, to: f.start + k)
        asm.addIssue(
          "D0101", line: at.line, column: at.column,
          UTF8Scan.controlMessage(UTF8Scan.controlValue(p, f.start + k), in: "column '\(asm.names[idx])'"))
        asm.markBadValue(idx)
        vp[idx] = .missing
        continue
      }
      if f.escaped {
        unescape(p, f)
        var bytes: [UInt8] = []
        swap(&bytes, &scratch)
        vp[idx] = bytes.withUnsafeBufferPointer { asm.value(idx, $0, .text, line: f.line, column: col) }
        swap(&bytes, &scratch)
      } else {
        vp[idx] = asm.value(
          idx, UnsafeBufferPointer(start: p + f.start, count: f.end - f.start), .text, line: f.line, column: col)
      }
    }
  }

  func fieldCountIssue(
    _ p: UnsafeMutablePointer<UInt8>, recordStart: Int, recordEnd: Int, line: Int, high: Bool,
    _ emit: (DataIssue) -> Void
  ) {
    let count = fields.count
    let at: (line: Int, column: Int)
    let message: String
    if count > headerCount {
      let f = fields[headerCount]
      at = (f.line, UTF8Scan.scalarCount(p, f.lineStart, f.pos) + 1)
      message = "expected \(headerCount) field\(headerCount == 1 ? "" : "s") as in the header, found \(count)"
    } else {
      let last = fields[count - 1]
      at = locate(p, from: last.lineStart, line: last.line, to: recordEnd)
      message = "expected \(headerCount) fields as in the header, found \(count)"
    }
    emit(
      DataIssue(
        code: "D0101", file: file, line: at.line, column: at.column, message: message,
        record: recordText(p, from: recordStart, to: recordEnd)))
  }
}
