import AccrueChecker
import AccrueDiagnostics
import AccrueParser
import AccrueRender
import Foundation
import Testing
import AccrueTestSupport

/// One golden case per diagnostic code: `Golden/<CODE>.accrue` (or a folder `Golden/<CODE>/` for
/// file-level codes) with `‸` marking where the diagnostic must start, and `Golden/<CODE>.expected`
/// holding everything `accrue check` prints for it. Re-record with `RECORD_GOLDEN=1 swift test`.
@Suite("Golden diagnostics")
struct GoldenTests {
  static let marker: [UInt8] = Array("‸".utf8)

  /// Removes every marker; returns the clean bytes and the offsets where markers stood.
  static func stripMarkers(_ bytes: [UInt8]) -> ([UInt8], [Int]) {
    var out: [UInt8] = []
    var marks: [Int] = []
    var i = 0
    while i < bytes.count {
      if i + 3 <= bytes.count, Array(bytes[i..<i + 3]) == marker {
        marks.append(out.count)
        i += 3
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return (out, marks)
  }

  static var codes: [String] { DiagnosticCode.all.map(\.id) }

  @Test("every diagnostic code has a golden case")
  func everyCodeHasGolden() {
    let fm = FileManager.default
    let missing = Self.codes.filter { id in
      !fm.fileExists(atPath: Support.goldenDir.appendingPathComponent("\(id).accrue").path)
        && !fm.fileExists(atPath: Support.goldenDir.appendingPathComponent(id).path)
    }
    #expect(missing.isEmpty, "no golden case for: \(missing.joined(separator: ", "))")
  }

  @Test("golden case", arguments: codes)
  func golden(_ id: String) throws {
    let fm = FileManager.default
    let single = Support.goldenDir.appendingPathComponent("\(id).accrue")
    let folder = Support.goldenDir.appendingPathComponent(id)
    let expectedFile = Support.goldenDir.appendingPathComponent("\(id).expected")
    if fm.fileExists(atPath: single.path) {
      let raw = try [UInt8](Data(contentsOf: single))
      let (clean, marks) = Self.stripMarkers(raw)
      let text = String(decoding: clean, as: UTF8.self)
      // Keep invalid bytes as they are: load from bytes, not from a decoded string.
      let load = RuleSetLoaderBytes.load(name: "\(id).accrue", bytes: clean)
      let (_, diags) = Frontend.check(load)
      _ = text
      try #require(!marks.isEmpty, "\(id).accrue has no ‸ marker")
      let hits = diags.filter { $0.code.id == id }
      #expect(!hits.isEmpty, "no \(id) reported; got \(diags.map(\.code.id))")
      for m in marks {
        #expect(hits.contains { Int($0.span.start) == m }, "\(id) expected at byte \(m); got \(hits.map(\.span.start))")
      }
      Support.assertGolden(Support.render(load, diags), expectedFile)
    } else {
      // A folder: copy it without markers into a temporary rule set and load it from disk.
      let tmp = TemporaryPaths.url("accrue-golden-\(id)")
      defer { try? fm.removeItem(at: tmp) }
      let root = tmp.appendingPathComponent(id)
      var expectedMarks: [(String, Int)] = []
      let enumerator = fm.enumerator(atPath: folder.path)
      try fm.createDirectory(at: root, withIntermediateDirectories: true)
      while let rel = enumerator?.nextObject() as? String {
        let src = folder.appendingPathComponent(rel)
        let dst = root.appendingPathComponent(rel)
        if let dest = try? fm.destinationOfSymbolicLink(atPath: src.path) {
          try fm.createSymbolicLink(atPath: dst.path, withDestinationPath: dest)
          continue
        }
        var isDir: ObjCBool = false
        _ = fm.fileExists(atPath: src.path, isDirectory: &isDir)
        if isDir.boolValue {
          try fm.createDirectory(at: dst, withIntermediateDirectories: true)
          continue
        }
        let (clean, marks) = Self.stripMarkers(try [UInt8](Data(contentsOf: src)))
        try Data(clean).write(to: dst)
        for m in marks { expectedMarks.append((rel, m)) }
      }
      let load = RuleSetLoader.load(paths: [root.path])
      let (_, diags) = Frontend.check(load)
      let hits = diags.filter { $0.code.id == id }
      #expect(!hits.isEmpty, "no \(id) reported; got \(diags.map(\.code.id))")
      for (rel, m) in expectedMarks {
        #expect(
          hits.contains { load.sources[$0.span.file].path.hasSuffix(rel) && Int($0.span.start) == m },
          "\(id) expected in \(rel) at byte \(m)")
      }
      let rendered = Support.render(load, diags).replacingOccurrences(of: tmp.path + "/", with: "")
      Support.assertGolden(rendered, expectedFile)
    }
  }
}

/// Loads a single file from raw bytes (so invalid UTF-8 survives).
enum RuleSetLoaderBytes {
  static func load(name: String, bytes: [UInt8]) -> LoadResult {
    RuleSetLoader.load(root: "Golden", rawFiles: [(name, bytes)])
  }
}
