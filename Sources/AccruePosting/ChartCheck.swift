import AccrueChecker
import AccrueDiagnostics
import AccrueModel
import AccrueParser

/// `accrue check --data DIR`: the posting rules' literal accounts, dimension values and entities held against the
/// data folder's chart of accounts and dimensions' files (E0911-E0914), each at its file:line:column with the
/// closest allowed one. Computed ones are checked by `plan`, on each event (`Posting.journal`).
public enum ChartCheck {
  public static func check(_ program: CheckedProgram, chart: Chart) -> [Diagnostic] {
    var out: [Diagnostic] = []
    for d in program.dimensions where chart.dimensions[d.name] == nil {
      out.append(
        Diagnostic(
          .unknownDimensionValue, "the dimension '\(d.name)' has no allowed values: the data folder has no \(Chart.dimensionsFolder)/\(d.name).csv",
          at: d.span, help: "add the file, with a header value,name,active and one row per allowed value"))
    }
    let given = givenDimensions(program)
    for p in program.postings {
      if case .entity(let e) = p.decl.scope { value("entity", e.value, e.span, chart, &out) }
      for item in p.decl.items {
        switch item {
        case .entity(let e, _): literalValue("entity", e, chart, &out)
        case .dimension(let d, _): literalValue(program.name(d.name.symbol), d.value, chart, &out)
        case .row(let r):
          for e in [r.debit, r.credit].compactMap({ $0 }) { account(e, chart, given, &out) }
          for d in r.dimensions { literalValue(program.name(d.name.symbol), d.value, chart, &out) }
        case .recognize: break
        }
      }
    }
    return out
  }

  /// The dimensions some posting rule gives a value (`entity` when a block states it or is an entity's).
  static func givenDimensions(_ program: CheckedProgram) -> Set<String> {
    var out: Set<String> = []
    for p in program.postings {
      if case .entity = p.decl.scope { out.insert("entity") }
      for item in p.decl.items {
        switch item {
        case .entity: out.insert("entity")
        case .dimension(let d, _): out.insert(program.name(d.name.symbol))
        case .row(let r): for d in r.dimensions { out.insert(program.name(d.name.symbol)) }
        case .recognize: break
        }
      }
    }
    return out
  }

  static func account(_ e: Expr, _ chart: Chart, _ given: Set<String>, _ out: inout [Diagnostic]) {
    guard case .string(let number) = e.kind else { return }
    guard let a = chart.accounts[number] else {
      let s = Suggest.closest(to: number, in: chart.order) ?? chart.order.first { chart.accounts[$0]?.name.lowercased() == number.lowercased() }
      out.append(
        Diagnostic(
          .unknownAccount, "account '\(number)' is not in the chart of accounts (\(Chart.fileName))", at: e.span,
          help: s.map { "did you mean '\($0)' (\(chart.accounts[$0]?.name ?? ""))?" } ?? "add it to the chart, or name one of its accounts",
          fix: s.map { FixIt("replace with \"\($0)\"", edits: [Edit(e.span, "\"\($0)\"")]) }))
      return
    }
    if !a.active {
      out.append(
        Diagnostic(
          .inactiveAccount, "account \(number) (\(a.name)) is inactive in the chart of accounts", at: e.span,
          help: "post to the account that replaced it, or mark \(number) active in \(Chart.fileName)"))
    }
    for d in a.requiredDimensions where !given.contains(d) {
      out.append(
        Diagnostic(
          .missingDimension, "account \(number) (\(a.name)) requires the dimension '\(d)', and no posting rule gives it", at: e.span,
          help: d == "entity"
            ? "say which entity each event posts to: posting { entity customer.entity ... }"
            : "give it a value in the block (dimension \(d) \"...\") or on the row (with \(d) \"...\")"))
    }
  }

  static func literalValue(_ dimension: String, _ e: Expr, _ chart: Chart, _ out: inout [Diagnostic]) {
    switch e.kind {
    case .string(let v): value(dimension, v, e.span, chart, &out)
    case .conditional(_, let a, let b):
      literalValue(dimension, a, chart, &out)
      literalValue(dimension, b, chart, &out)
    default: break
    }
  }

  static func value(_ dimension: String, _ v: String, _ span: Span, _ chart: Chart, _ out: inout [Diagnostic]) {
    guard let values = chart.dimensions[dimension] else { return }
    guard let row = values[v] else {
      let s = Suggest.closest(to: v, in: values.keys.sorted())
      out.append(
        Diagnostic(
          .unknownDimensionValue, "'\(v)' is not a value of the dimension '\(dimension)' (\(Chart.dimensionsFolder)/\(dimension).csv)", at: span,
          help: s.map { "did you mean '\($0)'?" } ?? "allowed: \(values.keys.sorted().prefix(12).joined(separator: ", "))",
          fix: s.map { FixIt("replace with \"\($0)\"", edits: [Edit(span, "\"\($0)\"")]) }))
      return
    }
    if !row.active {
      out.append(
        Diagnostic(
          .unknownDimensionValue, "the \(dimension) '\(v)' is inactive (\(Chart.dimensionsFolder)/\(dimension).csv)", at: span,
          help: "use an active value, or mark '\(v)' active in its file"))
    }
  }
}
