import AccrueChecker
import AccrueDiagnostics
import AccrueGen
import AccrueParser
import Foundation
import Testing

@testable import AccrueLSP

/// A large file checked in pieces reports exactly what checking it whole reports, after any edit.
@Suite struct PieceTests {
  static let text = RuleGenerator.generate(lines: 3000, seed: 7)

  static func whole(_ bytes: [UInt8]) -> [String] {
    let load = RuleSetLoader.load(root: "/r", rawFiles: [("big.accrue", bytes)])
    return Frontend.check(load).diagnostics.map(Self.describe)
  }

  static func describe(_ d: Diagnostic) -> String {
    "\(d.code.id) \(d.span.start)-\(d.span.end) \(d.message) \(d.notes.map { "\($0.message)@\($0.span.map { String($0.start) } ?? "-")" })"
  }

  static func replace(_ s: String, _ old: String, _ new: String, after: Int) -> String {
    let from = s.index(s.startIndex, offsetBy: after)
    guard let r = s.range(of: old, range: from..<s.endIndex) else { return s }
    return s.replacingCharacters(in: r, with: new)
  }

  @Test func cutsFallOnTopLevelDeclarations() {
    let b = Array(Self.text.utf8)
    let cuts = PieceCache.cuts(b, every: 4096)
    #expect(cuts.count > 10)
    for c in cuts.dropFirst() {
      let line = String(decoding: b[c..<min(b.count, c + 12)], as: UTF8.self)
      #expect(["let ", "define ", "metric ", "plan ", "cadence ", "match ", "calendar "].contains { line.hasPrefix($0) }, "\(line)")
    }
  }

  @Test func editsParseOnePieceAndReportWhatAWholeCheckReports() {
    let cache = PieceCache(pieceSize: 4096)
    var text = Self.text
    let first = cache.check(Array(text.utf8), path: "/r/big.accrue", root: "/r", file: FileID(0))
    #expect(first?.map(Self.describe) == Self.whole(Array(text.utf8)))
    #expect(cache.parsedLastTime == cache.pieces.count)
    // A type error in the middle: one piece parsed again, the same diagnostics as a whole check.
    text = Self.replace(text, "per unit", "per unit 3 days +", after: text.utf8.count / 2)
    let second = cache.check(Array(text.utf8), path: "/r/big.accrue", root: "/r", file: FileID(0))
    #expect(cache.parsedLastTime == 1)
    #expect(second?.isEmpty == false)
    #expect(second?.map(Self.describe) == Self.whole(Array(text.utf8)))
    // A name declared twice, far apart: the note points to the other place, at the file's offsets.
    text = Self.replace(text, "let launch_rate_3 =", "let launch_rate_0 =", after: 0)
    let third = cache.check(Array(text.utf8), path: "/r/big.accrue", root: "/r", file: FileID(0))
    #expect(third?.map(Self.describe) == Self.whole(Array(text.utf8)))
    #expect(third?.contains { !$0.notes.isEmpty } == true)
    // Undone: clean again.
    let clean = cache.check(Array(Self.text.utf8), path: "/r/big.accrue", root: "/r", file: FileID(0))
    #expect(clean?.map(Self.describe) == Self.whole(Array(Self.text.utf8)))
  }

  @Test func aSyntaxErrorOrAnIncludeLeavesItToTheWholeCheck() {
    let cache = PieceCache(pieceSize: 4096)
    let broken = Self.replace(Self.text, "{", "{ {", after: Self.text.utf8.count / 2)
    #expect(cache.check(Array(broken.utf8), path: "/r/big.accrue", root: "/r", file: FileID(0)) == nil)
    let including = "include \"other.accrue\"\n" + Self.text
    #expect(cache.check(Array(including.utf8), path: "/r/big.accrue", root: "/r", file: FileID(0)) == nil)
  }
}

@Suite struct LargeFileServerTests {
  @Test func aLargeFileIsCheckedInPiecesAndTheFeaturesStillWork() {
    let text = RuleGenerator.generate(lines: 3000, seed: 3)
    let h = Harness(files: ["big.accrue": text])
    h.server.pieceThreshold = 1000
    h.open("big.accrue")
    #expect(h.diagnostics("big.accrue").isEmpty)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let line = lines.indices.filter { lines[$0].contains("quantity contract.seats") }[5]
    let col = lines[line].distance(from: lines[line].startIndex, to: lines[line].range(of: "seats")!.lowerBound)
    h.change("big.accrue", version: 2, line: line, from: col, to: col + 5, text: "seatz")
    let d = h.diagnostics("big.accrue")
    #expect(d.count == 1)
    #expect(d.first?["range"]?["start"]?["line"]?.int == line)
    #expect(d.first?["range"]?["start"]?["character"]?.int == col)
    let hover = h.request("textDocument/hover", h.at("big.accrue", line, col + 1))["contents"]?["value"]?.string ?? ""
    #expect(hover.contains("E0303"))
  }
}
