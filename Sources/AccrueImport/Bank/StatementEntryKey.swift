import AccrueCore
import AccrueModel

/// When two statement entries are the same booking: the same account, bank reference, amount, currency and
/// value date (the booking date when there is none). A bank gives each booking on an account its own reference,
/// so a statement delivered twice, or the same day in camt.053 and MT940, gives the same keys; entries without an
/// account or a bank reference have no key (they are never taken as the same by this rule; cash application
/// still holds a payment with the same date, amount, payer and text as a possible duplicate for review).
public enum StatementEntryKey {
  public static func of(_ t: BankTransaction) -> String? {
    let reference = t.bankReference.trimmingCharacters(in: .whitespaces)
    guard !reference.isEmpty, let account = account(t.account) else { return nil }
    let date = t.valueDate ?? t.bookingDate
    return "\(account)|\(reference)|\(t.amount)|\(t.currency.code)|\(date)"
  }

  /// An account as compared across formats: no spaces, upper case, a currency suffix dropped (MT940 `:25:` may
  /// end in one); a German IBAN and the bank code/account number pair it is made of (MT940 `:25:` as
  /// `37040044/0532013000`) compare equal, leading zeros of the account number aside.
  public static func account(_ raw: String) -> String? {
    var s = String(raw.unicodeScalars.filter { !$0.properties.isWhitespace }).uppercased()
    guard !s.isEmpty else { return nil }
    if s.count > 3, Currency.lookup(String(s.suffix(3))) != nil, s.dropLast(3).last?.isNumber == true { s.removeLast(3) }
    let chars = Array(s)
    // DE IBAN: DE, two check digits, the 8-digit bank code, the 10-digit account number.
    if chars.count == 22, s.hasPrefix("DE"), chars[2...].allSatisfy(\.isNumber) {
      return "DE/" + String(chars[4..<12]) + "/" + trimZeros(String(chars[12...]))
    }
    let parts = s.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count == 2, parts[0].count == 8, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
      return "DE/" + parts[0] + "/" + trimZeros(String(parts[1]))
    }
    return s
  }

  static func trimZeros(_ s: String) -> String {
    let t = s.drop { $0 == "0" }
    return t.isEmpty ? "0" : String(t)
  }
}
