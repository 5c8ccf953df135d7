import AccrueCore
import AccrueModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Journal {
  /// Reads the journal file of a state folder that has no ledger yet (`journal.log`, written by Accrue before
  /// the ledger; empty when there is none). A damaged line followed by intact committed runs is an error (not a
  /// torn tail): those runs must not be dropped and produced again.
  public static func readFile(stateDir: String) throws(JournalError) -> Journal {
    let path = stateDir + "/" + fileName
    guard FileManager.default.fileExists(atPath: path) else { return Journal() }
    guard let data = FileManager.default.contents(atPath: path) else { throw JournalError(message: "cannot read \(path)") }
    var j = parse([UInt8](data))
    j.source = path
    if let line = j.damagedLine {
      throw JournalError(
        message: "\(path):\(line): this line is damaged (its checksum or form is wrong), which no crash does: restore the journal "
          + "from a backup. Accrue will not guess: dropping what it recorded would produce those items again")
    }
    return j
  }

  /// Parses journal bytes (see the type's documentation).
  public static func parse(_ bytes: [UInt8]) -> Journal {
    var j = Journal()
    var pending: [JournalItem] = []
    var pendingRun = -1
    var start = 0
    var lineNumber = 0
    var damaged: Int?
    while start < bytes.count {
      lineNumber += 1
      guard let nl = bytes[start...].firstIndex(of: 10) else { break }
      let fields = decode(bytes[start..<nl])
      start = nl + 1
      // A crash cuts an append short: its last line has no line end (and is not read). A whole line whose
      // checksum or shape is wrong was damaged after it was written: the journal is not trusted.
      guard let f = fields else {
        if damaged == nil { damaged = lineNumber }
        j.damagedLine = j.damagedLine ?? lineNumber
        continue
      }
      if damaged != nil { continue }
      if f.first == "item", f.count >= 9, let run = Int(f[1]), let item = item(f) {
        if run != pendingRun {
          pending = []
          pendingRun = run
        }
        pending.append(item)
      } else if f.first == "commit", f.count == 5, let run = Int(f[1]), let asOf = CivilDate.parse(f[2]), let n = Int(f[3]),
        run == pendingRun || (n == 0 && pending.isEmpty), pending.count == n
      {
        j.runs.append(JournalRun(number: run, asOf: asOf, folder: f[4], items: pending))
        pending = []
        pendingRun = -1
        j.validLength = nl + 1
      } else {
        damaged = lineNumber
        j.damagedLine = j.damagedLine ?? lineNumber
      }
    }
    j.ignoredBytes = bytes.count - j.validLength
    return j
  }

  /// The item of an `item` line's fields (unescaped, but for the list in field 8: split on ';' first), nil when
  /// its kind or date does not read. Fields: item, run, kind, key, date, customer, then by kind: a reminder's
  /// cadence, step, invoices and whether it contacted the customer (1/0, absent in journals written before: 1);
  /// a payment's rule, status and settlements (`INVOICE=SETTLED@PAID_BEFORE`).
  static func item(_ f: [String]) -> JournalItem? {
    guard let kind = JournalItem.Kind(rawValue: f[2]), let date = CivilDate.parse(f[4]) else { return nil }
    let list = f[8].isEmpty ? [] : f[8].split(separator: ";", omittingEmptySubsequences: false).map { unescape(String($0)) }
    switch kind {
    case .invoice: return .invoice(IssuedInvoice(key: f[3], date: date, customer: f[5]))
    case .reminder:
      let contacted = f.count >= 10 ? f[9] == "1" : true
      return .reminder(SentReminder(key: f[3], date: date, customer: f[5], cadence: f[6], step: f[7], invoices: list, contacted: contacted))
    case .match:
      return .cashApplication(
        PostedPayment(key: f[3], date: date, customer: f[5], rule: f[6], status: CashStatus(rawValue: f[7]), settlements: list.compactMap(settlement)))
    }
  }

  /// `INVOICE=SETTLED@PAID_BEFORE` (the invoice id may hold '=' and '@': the last of each separates).
  package static func settlement(_ text: String) -> PostedPayment.Settlement? {
    guard let eq = text.lastIndex(of: "="), let at = text.lastIndex(of: "@"), eq < at,
      let settled = Fixed(String(text[text.index(after: eq)..<at])), let before = Fixed(String(text[text.index(after: at)...]))
    else { return nil }
    let places = text[text.index(after: at)...].split(separator: ".").dropFirst().first?.count ?? 0
    return PostedPayment.Settlement(invoice: String(text[..<eq]), settled: settled, paidBefore: before, places: places)
  }

  /// A payment's settlements as the journal writes them (`INVOICE=SETTLED@PAID_BEFORE`, before escaping).
  package static func settlementEntries(_ p: PostedPayment) -> [String] {
    p.settlements.map { "\($0.invoice)=\($0.settled.formatted(places: $0.places))@\($0.paidBefore.formatted(places: $0.places))" }
  }

  /// An item's fields after `item` and the run number, escaped (see `item(_:)`).
  static func fields(_ i: JournalItem) -> [String] {
    let head = [i.kind.rawValue, escape(i.key), i.date.description, escape(i.customer)]
    switch i {
    case .invoice: return head + ["", "", "", "1"]
    case .reminder(let r):
      return head + [escape(r.cadence), escape(r.step), r.invoices.map(escape).joined(separator: ";"), r.contacted ? "1" : "0"]
    case .cashApplication(let p):
      return head + [escape(p.rule), escape(p.status?.rawValue ?? ""), settlementEntries(p).map(escape).joined(separator: ";"), "1"]
    case .paymentReturn, .payout:
      // A journal file (before the ledger) never holds returns or payouts; written as a payment held, settling nothing.
      return head + ["", escape(CashStatus.exception.rawValue), "", "1"]
    }
  }

  /// A line's fields (unescaped), or nil when its checksum or shape is wrong.
  static func decode(_ line: ArraySlice<UInt8>) -> [String]? {
    guard line.count > 9, line[line.startIndex + 8] == 32,
      let crc = UInt32(String(decoding: line.prefix(8), as: UTF8.self), radix: 16)
    else { return nil }
    let payload = Array(line.dropFirst(9))
    guard CRC32.checksum(payload) == crc else { return nil }
    // Fields are split on tabs; within a field, invoice lists are split on ';' before unescaping.
    return String(decoding: payload, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false).enumerated().map {
      $0.offset == 8 ? String($0.element) : unescape(String($0.element))
    }
  }

  /// Field text as written: '%', tab, line feed, carriage return and ';' as %25, %09, %0A, %0D, %3B.
  static func escape(_ s: String) -> String {
    guard s.contains(where: { $0 == "%" || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == ";" }) else { return s }
    var out = ""
    for ch in s.unicodeScalars {
      switch ch {
      case "%": out += "%25"
      case "\t": out += "%09"
      case "\n": out += "%0A"
      case "\r": out += "%0D"
      case ";": out += "%3B"
      default: out.unicodeScalars.append(ch)
      }
    }
    return out
  }

  static func unescape(_ s: String) -> String {
    guard s.contains("%") else { return s }
    return s.replacingOccurrences(of: "%3B", with: ";").replacingOccurrences(of: "%0D", with: "\r")
      .replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(of: "%09", with: "\t").replacingOccurrences(of: "%25", with: "%")
  }

  /// The lines recording a run (items, then the commit). Fields are escaped, so keys come back exactly.
  public static func encode(run: Int, asOf: CivilDate, folder: String, items: [JournalItem]) -> [UInt8] {
    var out: [UInt8] = []
    func line(_ fields: [String]) {
      let payload = Array(fields.joined(separator: "\t").utf8)
      out += Array(CRC32.hex(CRC32.checksum(payload)).utf8)
      out.append(32)
      out += payload
      out.append(10)
    }
    for i in items { line(["item", String(run)] + fields(i)) }
    line(["commit", String(run), asOf.description, String(items.count), escape(folder)])
    return out
  }
}

/// The ledger, a journal file or an output file that cannot be read or written.
public struct JournalError: Error, Sendable {
  public var message: String

  public init(message: String) { self.message = message }
}

/// CRC-32 (IEEE 802.3, as in zlib and PNG).
public enum CRC32 {
  static let table: [UInt32] = (0..<256).map { n -> UInt32 in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }

  public static func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
  }
}

