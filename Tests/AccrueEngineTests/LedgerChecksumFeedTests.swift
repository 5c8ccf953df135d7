import AccrueCore
import Testing

@testable import AccrueLedger

@Suite("Ledger checksum feed")
struct LedgerChecksumFeedTests {
  /// The definition: the length as eight little-endian bytes, then the UTF-8 bytes, each through the CRC-32 table.
  static func plain(_ strings: [String]) -> UInt32 {
    var bytes: [UInt8] = []
    for s in strings {
      var n = UInt64(s.utf8.count)
      for _ in 0..<8 {
        bytes.append(UInt8(n & 0xFF))
        n >>= 8
      }
      bytes += Array(s.utf8)
    }
    return CRC32.checksum(bytes)
  }

  @Test("a string is fed as its length, then its bytes: the CRC-32 of those bytes")
  func strings() {
    let cases: [[String]] = [
      [], [""], ["a"], ["ctr-000022/2026-10-02", "INV-2026-0253035/self_serve/agency"], ["é", "e\u{301}", "\u{10FFFF}"],
      [String(repeating: "x", count: 100), "", "short"], ["Müller GmbH & Co. KG".lowercased(), "\0"],
    ]
    for strings in cases {
      var c = LedgerChecksum.Running()
      for s in strings { c.add(s) }
      #expect(c.value == Self.plain(strings), "\(strings)")
    }
  }
}
