import AccrueChecker
import AccrueCompiler
import AccrueDiagnostics
import AccrueParser
import Testing

/// Lets and definitions that nest or grow past what an expression may: a located E0205, never a stack overflow
/// in the checker or the compiler, nor a definition that takes minutes to write out.
@Suite("Nesting through lets and definitions")
struct ExpansionTests {
  /// 700 lets, each using the next one, written after it: typing the first types all of them, one inside another.
  static let letsUsedBeforeWritten: String = {
    let n = 700
    return (0..<n).map { "let l\($0): number = l\($0 + 1) + 1" }.joined(separator: "\n")
      + "\nlet l\(n): number = 1\nlet top: number = l0\n"
  }()

  /// 20 definitions of 200 operators, each calling the one before: 4,000 levels once written out.
  static let defineChain: String = {
    var d = ["define f0(x: number): number = x" + String(repeating: " + 1", count: 200)]
    for i in 1..<20 { d.append("define f\(i)(x: number): number = f\(i - 1)(x)" + String(repeating: " + 1", count: 200)) }
    return d.joined(separator: "\n") + "\nlet y: number = f19(1)\n"
  }()

  /// 24 definitions, each calling the one before twice: 2^24 operations once written out.
  static let doubling: String = {
    var d = ["define g0(x: number): number = x + 1"]
    for i in 1..<25 { d.append("define g\(i)(x: number): number = g\(i - 1)(x) + g\(i - 1)(x)") }
    return d.joined(separator: "\n") + "\nlet z: number = g24(1)\n"
  }()

  @Test("each is E0205 at its place", arguments: [
    ("lets used before written", 1, "with the lets and definitions it uses, this expression nests more than 500 levels"),
    ("a chain of definitions", 2, "with the definitions it calls written out, this expression nests more than 500 levels ('f1' alone nests 402)"),
    ("definitions that double", 3, "'g14' expands to more than 100,000 operations"),
  ])
  func reported(_ label: String, _ which: Int, _ message: String) {
    let text = which == 1 ? Self.letsUsedBeforeWritten : which == 2 ? Self.defineChain : Self.doubling
    let errors = Support.check(text).1.filter { $0.severity == .error }
    #expect(errors.allSatisfy { $0.code.id == "E0205" }, "\(label): \(errors.map(\.message))")
    #expect(errors.first?.message.hasPrefix(message) == true, "\(label): \(errors.first?.message ?? "no error")")
  }

  @Test("within the limits, lets in any order and nested definitions check and compile")
  func withinLimits() throws {
    var d = ["define f0(x: number): number = x" + String(repeating: " + 1", count: 40)]
    for i in 1..<10 { d.append("define f\(i)(x: number): number = f\(i - 1)(x)" + String(repeating: " + 1", count: 40)) }
    let lets = (0..<100).map { "let l\($0): number = l\($0 + 1) + 1" }.joined(separator: "\n") + "\nlet l100: number = 1\n"
    let text = d.joined(separator: "\n") + "\nlet y: number = f9(l0)\n" + lets
    let load = RuleSetLoader.load(root: "mem", files: [("t.accrue", text)])
    let (results, diags) = Frontend.check(load)
    #expect(diags.filter { $0.severity == .error }.isEmpty, "\(diags.map(\.message))")
    _ = PlanCompiler.compile(results[0].1.program, sources: load.sources)
  }
}

/// Messages that say what to write when a finance analyst writes a rule the way one says it.
@Suite("Messages for rules written as one says them")
struct PhrasingTests {
  @Test("'bill monthly in advance' says the period is a statement of its own")
  func billPeriod() {
    let d = Support.check("plan p {\n  bill monthly in advance\n  charge base { flat 10.00 USD }\n}\n").1.first { $0.severity == .error }
    #expect(d?.code.id == "E0201")
    #expect(d?.help?.contains("write 'period monthly' on one line and 'bill in advance'") == true, "\(d?.help ?? "no help")")
  }

  @Test("two statements on one line: start a new line before the second; no follow-on error for what was skipped")
  func twoOnOneLine() {
    let text = "currency USD\nplan p {\n  period monthly\n  align to calendar\n  charge seats { per unit 9.00 USD  quantity contract.seats }\n}\n"
    let errors = Support.check(text).1.filter { $0.severity == .error }
    #expect(errors.map(\.code.id) == ["E0201"], "\(errors.map(\.message))")
    #expect(errors.first?.help == "each statement goes on a line of its own: start a new line before 'quantity'")
  }
}
