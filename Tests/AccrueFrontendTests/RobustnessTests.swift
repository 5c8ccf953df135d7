import AccrueChecker
import AccrueDiagnostics
import AccrueParser
import Foundation
import Testing

/// Mutates every rule file in rules/ and examples/ (characters, tokens and lines deleted, duplicated
/// and swapped; truncation at every byte of one file; deep nesting; invalid UTF-8) and checks that
/// `check` never crashes or hangs and either passes or reports errors with a valid file:line:column.
@Suite("Robustness", .serialized)
struct RobustnessTests {
  /// One rule set: its folder name and files (relative path, bytes).
  struct SetFiles {
    var root: String
    var files: [(String, [UInt8])]
  }

  static func ruleSets() -> [SetFiles] {
    let fm = FileManager.default
    var sets: [SetFiles] = []
    func collect(_ dir: URL, name: String) {
      guard let items = try? fm.contentsOfDirectory(atPath: dir.path) else { return }
      if items.contains(where: { $0.hasSuffix(".accrue") }) {
        var files: [(String, [UInt8])] = []
        let e = fm.enumerator(atPath: dir.path)
        while let rel = e?.nextObject() as? String {
          guard rel.hasSuffix(".accrue") else { continue }
          if let d = fm.contents(atPath: dir.appendingPathComponent(rel).path) { files.append((rel, [UInt8](d))) }
        }
        sets.append(SetFiles(root: name, files: files.sorted { $0.0 < $1.0 }))
        return
      }
      for i in items.sorted() {
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dir.appendingPathComponent(i).path, isDirectory: &isDir), isDir.boolValue {
          collect(dir.appendingPathComponent(i), name: name + "/" + i)
        }
      }
    }
    collect(Support.repoRoot.appendingPathComponent("rules"), name: "rules")
    collect(Support.repoRoot.appendingPathComponent("examples"), name: "examples")
    return sets
  }

  /// Runs the front end on a mutated set and validates every diagnostic's location.
  static func checkOne(_ set: SetFiles, _ label: String) -> String? {
    let load = RuleSetLoader.load(root: set.root, rawFiles: set.files)
    let (_, diags) = Frontend.check(load)
    for d in diags {
      let f = load.sources[d.span.file]
      guard d.span.start >= 0, Int(d.span.end) <= f.bytes.count, d.span.start <= d.span.end else {
        return "\(label): span \(d.span.start)..<\(d.span.end) outside \(f.path) (\(f.bytes.count) bytes) for \(d.code.id)"
      }
      let loc = f.location(of: d.span.start)
      guard loc.line >= 1, loc.column >= 1, loc.line <= f.lineStarts.count else {
        return "\(label): bad location \(loc.line):\(loc.column) for \(d.code.id)"
      }
      guard !d.message.isEmpty else { return "\(label): empty message for \(d.code.id)" }
    }
    return nil
  }

  /// Splits bytes into rough tokens (runs of word characters, single punctuation, whitespace).
  static func tokens(_ b: [UInt8]) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var i = 0
    func word(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 128 }
    while i < b.count {
      let s = i
      if word(b[i]) {
        while i < b.count, word(b[i]) { i += 1 }
      } else {
        i += 1
      }
      if b[s] != 32 { out.append(s..<i) }
    }
    return out
  }

  static func lines(_ b: [UInt8]) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var s = 0
    for (i, c) in b.enumerated() where c == 10 {
      out.append(s..<i + 1)
      s = i + 1
    }
    if s < b.count { out.append(s..<b.count) }
    return out
  }

  static func mutate(_ b: [UInt8], kind: Int, rng: inout UInt64) -> [UInt8] {
    func r(_ n: Int) -> Int {
      rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return n <= 0 ? 0 : Int((rng >> 33) % UInt64(n))
    }
    guard !b.isEmpty else { return b }
    var m = b
    switch kind {
    case 0: m.remove(at: r(m.count))  // delete a byte
    case 1:
      let i = r(m.count)
      m.insert(m[i], at: i)  // duplicate a byte
    case 2:
      let i = r(m.count - 1)
      m.swapAt(i, i + 1)  // swap two bytes
    case 3, 4, 5:
      let ts = tokens(b)
      guard ts.count > 2 else { return m }
      let a = ts[r(ts.count)]
      if kind == 3 {
        m.removeSubrange(a)  // delete a token
      } else if kind == 4 {
        m.insert(contentsOf: b[a], at: a.lowerBound)  // duplicate a token
      } else {
        let c = ts[r(ts.count)]
        let (x, y) = a.lowerBound < c.lowerBound ? (a, c) : (c, a)
        guard x.upperBound <= y.lowerBound else { return m }
        m = Array(b[..<x.lowerBound]) + Array(b[y]) + Array(b[x.upperBound..<y.lowerBound]) + Array(b[x]) + Array(b[y.upperBound...])
      }
    case 6, 7, 8:
      let ls = lines(b)
      guard ls.count > 1 else { return m }
      let a = ls[r(ls.count)]
      if kind == 6 {
        m.removeSubrange(a)
      } else if kind == 7 {
        m.insert(contentsOf: b[a], at: a.lowerBound)
      } else {
        let c = ls[r(ls.count)]
        let (x, y) = a.lowerBound < c.lowerBound ? (a, c) : (c, a)
        guard x.upperBound <= y.lowerBound else { return m }
        m = Array(b[..<x.lowerBound]) + Array(b[y]) + Array(b[x.upperBound..<y.lowerBound]) + Array(b[x]) + Array(b[y.upperBound...])
      }
    case 9:
      // Deep nesting at a random point.
      let depth = 50 + r(3000)
      let nest = Array((String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: r(2) == 0 ? depth : 0)).utf8)
      m.insert(contentsOf: nest, at: r(m.count))
    case 10:
      // Invalid UTF-8.
      let junk: [[UInt8]] = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80], [0xC0, 0xAF], [0]]
      m.insert(contentsOf: junk[r(junk.count)], at: r(m.count))
    default:
      // Braces and blocks opened or closed where they do not belong.
      let bits: [String] = ["{", "}", "{\n", "\n}\n", "plan x {", "step s on due {", "\"", "/", "#"]
      m.insert(contentsOf: Array(bits[r(bits.count)].utf8), at: r(m.count))
    }
    return m
  }

  @Test("mutated rule files never crash or hang and report located errors")
  func mutations() async throws {
    let sets = Self.ruleSets()
    try #require(!sets.isEmpty, "no rule sets found in rules/ or examples/")
    var failures: [String] = []
    var rng: UInt64 = 0x5EED
    var runs = 0
    let started = ContinuousClock.now
    for set in sets {
      for (fi, file) in set.files.enumerated() {
        for kind in 0..<12 {
          for rep in 0..<10 {
            var mutated = set
            mutated.files[fi].1 = Self.mutate(file.1, kind: kind, rng: &rng)
            let t0 = ContinuousClock.now
            if let f = Self.checkOne(mutated, "\(set.root)/\(file.0) mutation \(kind).\(rep)") { failures.append(f) }
            let took = ContinuousClock.now - t0
            if took > .seconds(5) { failures.append("\(set.root)/\(file.0) mutation \(kind).\(rep) took \(took)") }
            runs += 1
          }
        }
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
    #expect(runs > 100)
    print("robustness: \(runs) mutants checked in \(ContinuousClock.now - started)")
  }

  @Test("one file truncated at every byte")
  func truncation() throws {
    let sets = Self.ruleSets()
    guard let set = sets.first(where: { $0.root == "rules" }) ?? sets.first else {
      Issue.record("no rule sets")
      return
    }
    // The largest file of the bundled rules.
    let fi = set.files.indices.max { set.files[$0].1.count < set.files[$1].1.count }!
    let bytes = set.files[fi].1
    var failures: [String] = []
    for cut in 0...bytes.count {
      var m = set
      m.files[fi].1 = Array(bytes[..<cut])
      if let f = Self.checkOne(m, "\(set.files[fi].0) truncated at \(cut)") { failures.append(f) }
    }
    #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
  }
}
