import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueGen
import Foundation
import AccrueLexer
import AccrueParser
import Testing

@Suite("Lexer")
struct LexerTests {
  static func kinds(_ text: String) -> [TokenKind] {
    var interner = Interner()
    var map = SourceMap()
    let f = map.add(path: "t", bytes: Array(text.utf8))
    return Lexer.lex(f, interner: &interner).tokens.map(\.kind)
  }

  @Test(
    "token kinds",
    arguments: [
      ("12.50 USD", [TokenKind.number, .identifier, .newline, .eof]),
      ("2.5%", [.percent, .newline, .eof]),
      ("2026-01-31", [.date, .newline, .eof]),
      ("a >= b != c", [.identifier, .greaterEqual, .identifier, .notEqual, .identifier, .newline, .eof]),
      ("x == 1", [.identifier, .equal, .number, .newline, .eof]),
      ("f(a,\n b)", [.identifier, .lparen, .identifier, .comma, .identifier, .rparen, .newline, .eof]),
      ("a\n\n\nb", [.identifier, .newline, .identifier, .newline, .eof]),
      ("reference pattern /INV-([0-9]+)/", [.identifier, .identifier, .pattern, .newline, .eof]),
      ("a / b", [.identifier, .slash, .identifier, .newline, .eof]),
      ("\"s\" # comment", [.string, .newline, .eof]),
      ("10_000", [.number, .newline, .eof]),
    ])
  func tokenKinds(_ text: String, _ expected: [TokenKind]) {
    #expect(Self.kinds(text) == expected)
  }

  @Test("keywords are interned at fixed ids")
  func keywordIds() {
    var i = Interner()
    for k in Keyword.allCases { #expect(i.intern(k.spelling) == Symbol(k)) }
    #expect(i.intern("northwind") == i.intern("northwind"))
  }

  @Test("each keyword's spelling is its case's name, in case order")
  func keywordSpellings() {
    #expect(Keyword.allCases.count == Keyword.allCases.map(\.spelling).count)
    for k in Keyword.allCases {
      #expect(k.spelling == String(describing: k))
      #expect(Symbol(k).keyword == k)
    }
    #expect(Symbol(Int32(Keyword.allCases.count)).keyword == nil)
    #expect(Symbol.missing.keyword == nil)
  }

  @Test(
    "lexical errors",
    arguments: [
      ("let x = \"open", "E0102"), ("let x = \"a\\qb\"", "E0103"), ("let x = 1__0", "E0104"),
      ("let x = 2026-02-30", "E0105"), ("let x = 1 ; 2", "E0101"), ("let x = .5", "E0104"),
    ])
  func lexicalErrors(_ text: String, _ code: String) {
    #expect(Support.codes(text).contains(code))
  }

  @Test("a byte order mark and CRLF line ends are accepted")
  func bomAndCRLF() {
    let text = "\u{FEFF}currency USD\r\nlet fee = 25.00 USD\r\nlet double = fee * 2\r\ndefine f(x: money USD) = x + double\r\n"
    let codes = Support.codes(text)
    #expect(!codes.contains { $0.hasPrefix("E") }, "\(codes)")
  }
}

@Suite("Parser")
struct ParserTests {
  @Test("recovery reports several errors in one run")
  func recovery() {
    let text = """
      plan a {
        biling monthly
        period monthly
        currency ZZZ
        charge c { flat }
      }
      plans b { }
      cadence c {
        step s 3 dayz after due { send email "x" }
      }
      """
    let codes = Support.codes(text)
    for c in ["E0202", "E0209", "E0207", "E0203", "E0208"] { #expect(codes.contains(c), "\(c) missing in \(codes)") }
  }

  @Test("a statement lost to a syntax error is not reported again as missing", arguments: [
    // (source, the one error expected)
    ("currency USD\nplan p {\n  period montly\n  charge c { flat 1.00 USD }\n}\n", "E0201"),
    ("currency USD\nplan p {\n  period monthly\n  align to calendar\n  chrage c { flat 1.00 USD }\n}\n", "E0202"),
    ("currency USD\nplan p {\n  period monthly\n  align to calendar\n  charge c { flta 1.00 USD }\n}\n", "E0202"),
    ("cadence k {\n  stp first 3 days after due { send email \"x\" to customer.billing_email }\n}\n", "E0202"),
  ])
  func noCascade(_ text: String, _ expected: String) {
    #expect(Support.codes(text) == [expected])
  }

  @Test("a block with no syntax error is still told what it lacks")
  func missingStillReported() {
    #expect(Support.codes("currency USD\nplan p {\n  charge c { flat 1.00 USD }\n}\n") == ["E0510"])
    // An error in a charge does not hide what the plan itself lacks.
    #expect(Support.codes("currency USD\nplan p {\n  charge c {\n    flat 1.00 USD\n    prorte none\n  }\n}\n").sorted() == ["E0202", "E0510"])
  }

  @Test("'count of x' (by analogy with 'sum of'): one error that says to write 'count' alone")
  func countOf() {
    let (_, diags) = Support.check("metric m {\n  count of event.id\n}\ncurrency USD\nplan p {\n  period monthly\n  align to calendar\n  charge c {\n    usage m\n    per unit 1.00 USD\n  }\n}\n")
    #expect(diags.map(\.code.id) == ["E0201"])
    #expect(diags.first?.message == "'count' counts events and takes no 'of'")
    #expect(diags.first?.help?.contains("write 'count' alone") == true)
  }

  @Test("a step written 'after 3 weeks': one error that says the offset comes first, with the fix")
  func stepOffsetFirst() {
    Self.expectOneError(
      "cadence c {\n  step first after 3 weeks {\n    send email \"x\"\n  }\n}\n",
      "expected when the step falls, such as '7 days after due', found 'after'", help: "the offset comes first: write '3 weeks after due'",
      fix: ("after 3 weeks", "3 weeks after due"))
  }

  /// The text has one error, E0201, with this message and help, and a fix replacing `fix.0` with `fix.1`.
  static func expectOneError(_ text: String, _ message: String, help: String, fix: (String, String)) {
    let (load, diags) = Support.check(text)
    #expect(diags.map(\.code.id) == ["E0201"], "\(diags.map(\.message))")
    #expect(diags.first?.message == message)
    #expect(diags.first?.help == help)
    let edit = diags.first?.fix?.edits.first
    #expect(edit?.replacement == fix.1)
    #expect(edit.map { load.sources[$0.span.file].text($0.span) } == fix.0)
  }

  @Test("a count written as a word ('up to three invoices'): the help and the fix write it in digits")
  func numberAsWord() {
    Self.expectOneError(
      "match m {\n  candidates open invoices of payer\n  allocate exact subset up to three invoices\n}\n",
      "expected the most invoices in one subset, found 'three'", help: "write the number in digits: '3'", fix: ("three", "3"))
    // Not a number word: the general help.
    let (_, other) = Support.check("match m {\n  candidates open invoices of payer\n  allocate exact subset up to many invoices\n}\n")
    #expect(other.first?.help == "write a whole number in digits, such as 3")
  }

  @Test("a bare number for a tolerance: the hint offers both an amount and a percent")
  func toleranceHint() {
    let rules = """
      currency USD
      match m "M" {
        candidates open invoices of payer, same currency
        allocate exact single
        tolerance underpayment 0.1
        on underpayment within tolerance: write off
        confidence auto
      }
      """
    let (_, diags) = Support.check(rules)
    let mismatch = diags.first { $0.message.hasPrefix("a tolerance must be") }
    #expect(mismatch?.help == "write an amount with its currency, as in '0.1 USD'; or write a percent, as in '0.1%'", "\(diags.map(\.message))")
  }

  @Test("an unclosed block is reported at its brace")
  func unclosed() {
    let (_, diags) = Support.check("plan a {\n  period monthly\n")
    let d = diags.first { $0.code.id == "E0204" }
    #expect(d?.span.start == 7)
  }

  @Test("deep nesting is an error, not a crash")
  func deepNesting() {
    let text = "let x = " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + "\n"
    #expect(Support.codes(text).contains("E0205"))
    let unary = "let y = " + String(repeating: "- ", count: 5000) + "1\n"
    #expect(Support.codes(unary).contains("E0205"))
  }

  @Test("operator precedence: and binds tighter than or; comparison tighter than and")
  func precedence() {
    var map = SourceMap()
    let f = map.add(path: "t", bytes: Array("a or b and c = d + e * f".utf8))
    var interner = Interner()
    var next: Int32 = 0
    let lexed = Lexer.lex(f, interner: &interner)
    let (e, diags) = Parser.parseExpression(f, lexed, nextExprID: &next)
    #expect(diags.isEmpty)
    guard case .binary(.or, _, let rhs) = e.kind, case .binary(.and, _, let cmp) = rhs.kind,
      case .binary(.equal, _, let sum) = cmp.kind, case .binary(.add, _, let prod) = sum.kind,
      case .binary(.multiply, _, _) = prod.kind
    else {
      Issue.record("wrong tree: \(e.kind)")
      return
    }
  }

  @Test("a line starting with 'and' continues the condition above")
  func continuation() {
    let text = """
      cadence c {
        applies when customer.segment = "enterprise"
          and customer.credit_hold = false
        step s on due { send email "x" }
      }
      """
    #expect(Support.codes(text).filter { $0.hasPrefix("E") }.isEmpty)
  }
}

@Suite("Checker")
struct CheckerTests {
  /// Each source gets `currency USD` and `month end clamp` unless it states its own, and one use of
  /// each let so unused-definition warnings stay out of the way.
  @Test(
    "types and units",
    arguments: [
      ("let a = 1.00 USD + 1.00 EUR", "E0402"),
      ("let a = 2.00 USD * 3.00 USD", "E0403"),
      ("let a = 5% + 1", "E0404"),
      ("let a = 1 month + 5 days", "E0405"),
      ("let a = 2026-01-31 + 1 month", "E0406"),
      ("let a = abs(1, 2)", "E0407"),
      ("let a = 2026-01-01 * 2", "E0408"),
      ("let a = if 1 then 2 else 3", "E0409"),
      ("let a = 10.00 USD / 0", "E0410"),
      ("let a = nosuch + 1", "E0301"),
      ("let a = maximum(1, 2)", "E0304"),
      ("let a = 1.00 USD > 1", "E0401"),
      ("let a = 2026-01-01 + 30", "E0408"),
      ("let a = 30 days > 1 month", "E0405"),
      // A duration minus a date was typed as a date (the 'where' of the case applied to business days only).
      ("let a = 5 days - 2026-01-10", "E0408"),
      ("let a = 5 business days - 2026-01-10", "E0408"),
    ])
  func typeErrors(_ source: String, _ code: String) {
    let codes = Support.codes(source + "\nlet use = a\n")
    #expect(codes.contains(code), "\(source) -> \(codes)")
  }

  @Test(
    "well-typed expressions",
    arguments: [
      "let a = 1.00 USD + 2.50 USD",
      "let a = 2% of 100.00 USD",
      "let a = 100.00 USD * 1.5%",
      "let a = 2026-03-31 - 2026-01-01",
      "let a = 2026-01-15 + 1 month",
      "let a = (2026-03-31 - 2026-01-01) / 365 days",
      "let a = max(1.00 USD, 2.00 USD)",
      "let a = round(10.005 USD, half up)",
      "let a = days_between(2026-01-01, as_of) > 30 days",
      "let a = 5 business days + 3 business days",
      "let a = \"x\" in [\"x\", \"y\"]",
      "let a = 3 between 1 and 5",
      "let a = end_of_month(as_of) + 2 weeks",
    ])
  func wellTyped(_ source: String) {
    let codes = Support.codes(source + "\nlet use = a\n")
    #expect(codes.isEmpty, "\(source) -> \(codes)")
  }

  @Test("month arithmetic is fine once the rule set says how month ends round")
  func monthEndRule() {
    #expect(Support.codes("month end clamp\nlet a = 2026-01-31 + 1 month\nlet b = a\n") == [])
    #expect(Support.codes("month end roll over\nlet a = as_of + 3 months\nlet b = a\n") == [])
  }

  @Test("tier gaps, overlaps and an open last tier")
  func tiers() {
    func plan(_ tiers: String) -> [String] {
      Support.codes(
        """
        currency USD
        metric m { sum of event.quantity }
        plan p {
          period monthly
          align to calendar
          charge c {
            usage m
            tiers graduated {
        \(tiers)
            }
          }
        }
        """)
    }
    #expect(plan("1 to 100 at 0.10 USD\n101 and above at 0.05 USD") == [])
    #expect(plan("1 to 100 at 0.10 USD\n150 and above at 0.05 USD").contains("E0501"))
    #expect(plan("1 to 100 at 0.10 USD\n100 and above at 0.05 USD").contains("E0502"))
    #expect(plan("1 to 100 at 0.10 USD\n101 to 200 at 0.05 USD").contains("E0503"))
    #expect(plan("5 to 100 at 0.10 USD\n101 and above at 0.05 USD").contains("E0501"))
  }

  @Test("steps out of order, unreachable, and mixed units")
  func steps() {
    func cadence(_ steps: String) -> [String] {
      Support.codes("cadence c {\n\(steps)\n}\n")
    }
    #expect(cadence("step a 3 days before due { send email \"a\" }\nstep b on due { send email \"b\" }") == [])
    #expect(cadence("step a 7 days after due { send email \"a\" }\nstep b 3 days after due { send email \"b\" }").contains("E0504"))
    #expect(cadence("step a 7 days after due { send email \"a\" }\nstep b 7 days after due { send email \"b\" }").contains("E0505"))
    #expect(cadence("step a 7 days after due { send email \"a\" }\nstep b 6 business days after due { send email \"b\" }").contains("W0501"))
    #expect(cadence("step a 1 days after due { send email \"a\" }\nstep b 3 days before due { send email \"b\" }").contains("E0504"))
  }

  @Test("a catch-all cadence must come last")
  func catchAll() {
    let codes = Support.codes(
      """
      cadence all { step s on due { send email "a" } }
      cadence vip {
        applies when customer.segment = "vip"
        step s on due { send email "a" }
      }
      """)
    #expect(codes.contains("E0508"))
  }

  @Test("names across files, duplicates and cycles")
  func names() {
    let (_, diags) = Support.check([
      ("a.accrue", "include \"shared/b.accrue\"\nlet x = y + 1\nlet z = x\n"),
      ("shared/b.accrue", "let y = 2\nlet x = 3\n"),
    ])
    #expect(diags.contains { $0.code.id == "E0302" })
    #expect(Support.codes("let a = b\nlet b = a\n").contains("E0311"))
    #expect(Support.codes("define f(x: number) = f(x)\nlet a = f(1)\n").contains("E0311"))
  }

  @Test("includes stay inside the rules folder")
  func includes() {
    #expect(Support.codes("include \"../outside.accrue\"\n").contains("E0306"))
    #expect(Support.codes("include \"/etc/passwd\"\n").contains("E0306"))
    #expect(Support.codes("include \"missing.accrue\"\n").contains("E0305"))
    let (_, diags) = Support.check([("a.accrue", "include \"b.accrue\"\n"), ("b.accrue", "include \"a.accrue\"\n")])
    #expect(diags.contains { $0.code.id == "E0307" })
  }

  @Test("installments must add up to 100%")
  func installments() {
    let src = """
      currency USD
      plan p {
        period monthly
        align to calendar
        charge c { flat 10.00 USD }
        payment terms installments {
          50% net 30 days
          40% net 60 days
        }
      }
      """
    #expect(Support.codes(src).contains("E0507"))
  }
}

@Suite("Parallel checking")
struct ParallelCheckTests {
  /// A generated rule set with mistakes sprinkled in gives the same diagnostics, types and
  /// resolutions whether its blocks are checked on one thread or two.
  @Test("two workers give exactly what one gives")
  func sameResults() {
    var text = RuleGenerator.generate(lines: 4_000, seed: 7)
    text = text.replacingOccurrences(of: "flat 17.00 USD", with: "flat 17.00 EUR")
    text = text.replacingOccurrences(of: "quantity contract.seats", with: "quantity contract.seatz")
    text = text.replacingOccurrences(of: "step final 60 days", with: "step final 6 days")
    // Metrics are checked by the second worker: some with mistakes, one never used.
    text = text.replacingOccurrences(of: "where event.quantity > 0\n", with: "where event.quantity > 0 USD\n")
    text += "metric lonely \"Lonely\" {\n  event \"x\"\n  sum of event.quantity\n}\n"
    text += "let unused_rate = 3%\n"
    let load = RuleSetLoader.load(root: "gen", files: [("gen.accrue", text)])
    let set = load.sets[0]
    let one = Checker.check(set, in: load, parallel: false)
    let two = Checker.check(set, in: load, parallel: true)
    #expect(!one.diagnostics.isEmpty)
    #expect(one.diagnostics.sortedForOutput() == two.diagnostics.sortedForOutput())
    #expect(one.program.types == two.program.types)
    #expect(one.program.resolutions == two.program.resolutions)
    #expect(one.program.plans.map(\.settings) == two.program.plans.map(\.settings))
  }
}
