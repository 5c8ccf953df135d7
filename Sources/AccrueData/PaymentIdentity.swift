import AccrueCore
import AccrueModel

/// What makes two payments the same transfer (a statement delivered twice, a payment exported again), and
/// payer names and accounts as banks show them: the rules cash application and loading share.
package enum PaymentIdentity {
  /// What makes two payments the same transfer: date, amount, currency, payer account and name, references and text.
  package static func fingerprint(_ t: BankTransaction) -> UInt64 { withUnsafePointer(to: t) { fingerprint($0) } }

  /// The fingerprint of the transaction of `payments[i]`, read in place (a copy would retain all its strings).
  package static func fingerprint(_ payments: UnsafeBufferPointer<Payment>, _ i: Int) -> UInt64 {
    fingerprint(transaction(payments.baseAddress! + i))
  }

  package static func fingerprint(_ p: UnsafePointer<BankTransaction>) -> UInt64 {
    // (The hash is passed along, not captured: a nested function's captured variable is boxed and every
    // access to it checked.)
    @inline(__always) func byte(_ h: inout UInt64, _ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    func word(_ h: inout UInt64, _ v: UInt64) { for k in 0..<8 { byte(&h, UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    func text(_ h: inout UInt64, _ s: String) {
      s.withBytes { for b in $0 { byte(&h, b) } }
      byte(&h, 0x1F)
    }
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    word(&h, UInt64(bitPattern: Int64(p.pointee.bookingDate.dayNumber)))
    word(&h, UInt64(truncatingIfNeeded: p.pointee.amount.raw))
    word(&h, UInt64(truncatingIfNeeded: p.pointee.amount.raw >> 64))
    word(&h, UInt64(p.pointee.currency.packed))
    // The account as compared: no spaces, upper case; the name as compared (legal forms dropped). Their bytes
    // are hashed as they are worked out (no string made for either, when ASCII).
    let account = p.pointee.counterpartyAccount.withBytes { b -> Bool in
      guard !b.contains(where: { $0 >= 0x80 }) else { return false }
      for c in b where !(c == 0x20 || (c >= 0x09 && c <= 0x0D)) { byte(&h, c >= 0x61 && c <= 0x7A ? c - 0x20 : c) }
      byte(&h, 0x1F)
      return true
    }
    if !account { text(&h, CashData.account(p.pointee.counterpartyAccount)) }
    PayerName.withNormalized(p.pointee.counterpartyName) { b in
      for c in b { byte(&h, c) }
      byte(&h, 0x1F)
    }
    text(&h, p.pointee.reference)
    text(&h, p.pointee.remittance)
    text(&h, p.pointee.endToEndID)
    text(&h, p.pointee.bankReference)
    return h
  }

  package static func same(_ a: BankTransaction, _ b: BankTransaction) -> Bool {
    a.bookingDate == b.bookingDate && a.amount == b.amount && a.currency == b.currency
      && CashData.account(a.counterpartyAccount) == CashData.account(b.counterpartyAccount)
      && PayerName.normalized(a.counterpartyName) == PayerName.normalized(b.counterpartyName) && a.reference == b.reference
      && a.remittance == b.remittance && a.endToEndID == b.endToEndID && a.bankReference == b.bankReference
  }

  /// The transaction of a payment, in place.
  @inline(__always) package static func transaction(_ p: UnsafePointer<Payment>) -> UnsafePointer<BankTransaction> {
    (UnsafeRawPointer(p) + MemoryLayout<Payment>.offset(of: \.transaction)!).assumingMemoryBound(to: BankTransaction.self)
  }
}

/// A payer's name as banks show it: upper case, letters and digits, legal forms dropped ("Acme GmbH" = "ACME").
package enum PayerName {
  package static let legalForms: Set<String> = [
    "INC", "LLC", "LTD", "LIMITED", "GMBH", "AG", "KG", "BV", "NV", "SA", "SAS", "SARL", "SRL", "SPA", "PLC", "CORP", "CORPORATION",
    "CO", "COMPANY", "AB", "AS", "OY", "LLP", "PTY", "SE",
  ]

  /// The words of a name: upper-case letters and digits.
  package static func words(_ name: String) -> [String] {
    guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return name.uppercased().split { !($0.isLetter || $0.isNumber) }.map(String.init) }
    var out: [String] = []
    var word: [UInt8] = []
    for c in name.utf8 {
      switch c {
      case 0x30...0x39, 0x41...0x5A: word.append(c)
      case 0x61...0x7A: word.append(c - 0x20)
      default:
        if !word.isEmpty { out.append(String(decoding: word, as: UTF8.self)) }
        word.removeAll(keepingCapacity: true)
      }
    }
    if !word.isEmpty { out.append(String(decoding: word, as: UTF8.self)) }
    return out
  }

  /// The words joined by single spaces, and the same without trailing legal forms (`normalized`). ASCII names
  /// are done byte by byte, without a string per word.
  package static func forms(_ name: String) -> (full: String, normalized: String) {
    let fast: (String, String)? = name.withBytes { b in
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, b.count)) { out in
        guard let (n, end) = asciiForms(b, out.baseAddress!) else { return nil }
        let full = String(decoding: UnsafeBufferPointer(rebasing: out[..<n]), as: UTF8.self)
        return (full, end == n ? full : String(decoding: UnsafeBufferPointer(rebasing: out[..<end]), as: UTF8.self))
      }
    }
    if let fast { return fast }
    var w = words(name)
    let full = w.joined(separator: " ")
    while w.count > 1, let last = w.last, legalForms.contains(last) { w.removeLast() }
    return (full, w.joined(separator: " "))
  }

  package static func normalized(_ name: String) -> String { forms(name).normalized }

  /// For an ASCII name: its words joined by single spaces into `out` (room for as many bytes as the name has),
  /// and where they end once trailing legal forms are dropped (while more than one word is left); nil for
  /// other names.
  package static func asciiForms(_ name: UnsafeBufferPointer<UInt8>, _ out: UnsafeMutablePointer<UInt8>) -> (full: Int, normalized: Int)? {
    var n = 0
    for c in name {
      switch c {
      case 0x30...0x39, 0x41...0x5A:
        out[n] = c
        n += 1
      case 0x61...0x7A:
        out[n] = c - 0x20
        n += 1
      case 0x80...: return nil
      default:
        if n > 0 && out[n - 1] != 0x20 {
          out[n] = 0x20
          n += 1
        }
      }
    }
    if n > 0 && out[n - 1] == 0x20 { n -= 1 }
    var end = n
    while let space = (0..<end).last(where: { out[$0] == 0x20 }) {
      let word = UnsafeBufferPointer(start: out + space + 1, count: end - space - 1)
      guard word.count <= 11, legalForms.contains(String(decoding: word, as: UTF8.self)) else { break }
      end = space
    }
    return (n, end)
  }

  /// Calls `body` with the bytes of `normalized(name)` (for an ASCII name, without making the string).
  package static func withNormalized<R>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let fast: R? = name.withBytes { b in
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, b.count)) { out in
        guard let (_, end) = asciiForms(b, out.baseAddress!) else { return nil }
        return body(UnsafeBufferPointer(rebasing: out[..<end]))
      }
    }
    if let fast { return fast }
    return normalized(name).withBytes(body)
  }
}
