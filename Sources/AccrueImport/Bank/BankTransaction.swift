import AccrueCore
import AccrueModel
import Foundation

/// A statement file that cannot be read: where, and why.
public struct BankImportError: Error, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int
  /// The element path (XML) or tag (MT940), when known.
  public var location: String
  public var message: String
  /// The data issue code it is reported with in a data folder: D0105 (a statement that does not read) or D0103
  /// (a file that cannot be opened or read at all).
  public var code = "D0105"

  public var description: String { "\(file):\(line): \(location.isEmpty ? "" : location + ": ")\(message)" }
}

/// The statement formats read.
public enum BankFormat: String, Sendable {
  case camt053 = "camt.053", camt054 = "camt.054", mt940 = "MT940", bai2 = "BAI2", ofx = "OFX"

  /// The format of a file, from its first bytes; nil when it is none of the known ones.
  public static func detect(_ bytes: [UInt8]) -> BankFormat? {
    let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
    if head.hasPrefix("01,") { return .bai2 }
    if head.contains("OFXHEADER") || head.contains("<OFX>") { return .ofx }
    if head.contains("camt.053.") || head.contains("BkToCstmrStmt") { return .camt053 }
    if head.contains("camt.054.") || head.contains("BkToCstmrDbtCdtNtfctn") { return .camt054 }
    if head.contains(":20:") || head.contains("{1:") || head.contains(":61:") { return .mt940 }
    return nil
  }
}

/// Reading statement files into `BankStatement`s (and their `BankTransaction`s).
public enum BankStatements {
  /// Reads a statement file of any known format: its transactions, every statement's in order.
  public static func read(path: String) -> Result<[BankTransaction], BankImportError> {
    readStatements(path: path).map { $0.flatMap(\.transactions) }
  }

  /// Reads statement bytes: their transactions (`path` names them in sources and errors).
  public static func parse(bytes: [UInt8], path: String) -> Result<[BankTransaction], BankImportError> {
    parseStatements(bytes: bytes, path: path).map { $0.flatMap(\.transactions) }
  }

  /// Reads a statement file of any known format, statement by statement.
  public static func readStatements(path: String) -> Result<[BankStatement], BankImportError> {
    // Only a file that is not there is "not there"; one that is there but does not read (a symbolic link to
    // nothing, a folder, no permission, an I/O error) says why, as D0103.
    func unreadable(_ why: String) -> Result<[BankStatement], BankImportError> {
      .failure(BankImportError(file: path, line: 0, location: "", message: why, code: "D0103"))
    }
    switch DataFolder.probe(path, folder: false) {
    case .absent: return unreadable("no such file")
    case .unreadable(let why): return unreadable(why)
    case .present: break
    }
    switch DataFolder.readWhole(path) {
    case .failure(let e): return unreadable("cannot read \((path as NSString).lastPathComponent): \(e.message)")
    case .success(let bytes): return parseStatements(bytes: bytes, path: path)
    }
  }

  /// Reads statement bytes, statement by statement (`path` names them in sources and errors).
  public static func parseStatements(bytes: [UInt8], path: String) -> Result<[BankStatement], BankImportError> {
    switch BankFormat.detect(bytes) {
    case .camt053?, .camt054?: return Camt.parse(bytes, file: path)
    case .mt940?: return MT940.parse(bytes, file: path)
    case .bai2?: return BAI2.parse(bytes, file: path)
    case .ofx?: return OFX.parse(bytes, file: path)
    case nil:
      return .failure(
        BankImportError(
          file: path, line: 1, location: "",
          message: "not a statement format Accrue reads (ISO 20022 camt.053 or camt.054, SWIFT MT940, BAI2, OFX)"))
    }
  }
}
