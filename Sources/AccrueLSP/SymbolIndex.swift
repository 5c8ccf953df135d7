import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
import AccrueParser

/// What a declared name is.
public enum SymbolKind: String, Sendable {
  case constant, definition, parameter, metric, plan, cadence, calendar
  case matchRule = "match rule"
  case charge, phase, step, field, role, dimension, processor
  case statementFormat = "statement format"
  case approval
}

/// One declaration: its name, where the name is written and the whole declaration.
public struct Declared: Sendable {
  public var name: String
  public var kind: SymbolKind
  public var nameSpan: Span
  public var span: Span
  /// The declaration it sits in (a plan for a charge), if any.
  public var container: String?
}

/// What the word under the cursor is.
public enum Target: Sendable {
  /// A declared name (or a use of one).
  case declared(Declared)
  /// A record's built-in field (`contract.seats`): the record and the field's schema.
  case coreField(RecordKind, FieldInfo)
  /// A record root (`customer`, `contract`, ...).
  case record(RecordKind)
  case builtin(Builtin)
  case currency(Currency)
  /// An `include "path"`: the file it loads.
  case include(FileID)
}

/// The declarations of a rule set and the words of its files, for navigation, hover, completion and highlighting.
final class SymbolIndex: @unchecked Sendable {
  unowned let analysis: Analysis
  /// Top-level declarations by name (the first wins; duplicates are the checker's to report).
  private(set) var top: [String: Declared] = [:]
  /// Every declaration in file order (for outlines).
  private(set) var all: [Declared] = []
  /// Each define's span and parameters, per file in file order.
  private(set) var defines: [FileID: [(span: Span, params: [Declared])]] = [:]
  /// The kind of each declaration by where its name is written (file, start).
  private(set) var declaredAt: [Span: Declared] = [:]
  /// Custom fields, as `record.field`.
  private(set) var fields: [String: Declared] = [:]
  /// Each include's string and the file it loaded.
  private(set) var includes: [(Span, FileID)] = []
  private var tokenCache: [FileID: [Token]] = [:]

  init(_ a: Analysis) {
    analysis = a
    for rf in a.set?.files ?? [] {
      var k = 0
      for d in rf.decls {
        add(d)
        if case .include(let inc) = d, let targets = a.set?.includes[rf.file], k < targets.count {
          // Includes that resolved, in statement order (a failed one has no target: matched by path).
          let wanted = RuleSetLoader.normalize(NSStringPath(path: a.sources[rf.file].path).folder + "/" + inc.path.value)
          if a.sources[targets[k]].path == wanted || a.sources[targets[k]].path.hasSuffix("/" + inc.path.value) {
            includes.append((inc.path.span, targets[k]))
            k += 1
          }
        }
      }
    }
  }

  private func declare(_ n: Name, _ kind: SymbolKind, _ span: Span, container: String? = nil) -> Declared {
    let d = Declared(name: analysis.name(n.symbol), kind: kind, nameSpan: n.span, span: span, container: container)
    all.append(d)
    declaredAt[n.span] = d
    return d
  }

  private func addTop(_ n: Name, _ kind: SymbolKind, _ span: Span) {
    let d = declare(n, kind, span)
    if top[d.name] == nil { top[d.name] = d }
  }

  private func add(_ decl: Decl) {
    switch decl {
    case .let(let d): addTop(d.name, .constant, d.span)
    case .define(let d):
      addTop(d.name, .definition, d.span)
      let ps = d.params.map { Declared(name: analysis.name($0.name.symbol), kind: .parameter, nameSpan: $0.name.span, span: $0.name.span.to($0.type.span), container: analysis.name(d.name.symbol)) }
      defines[d.span.file, default: []].append((d.span, ps))
      for p in ps { declaredAt[p.nameSpan] = p }
    case .field(let f):
      let d = declare(f.field, .field, f.span, container: analysis.name(f.record.symbol))
      fields[analysis.name(f.record.symbol) + "." + d.name] = d
    case .calendar(let d): addTop(d.name, .calendar, d.span)
    case .metric(let d): addTop(d.name, .metric, d.span)
    case .plan(let d):
      addTop(d.name, .plan, d.span)
      addPlanItems(d.items, plan: analysis.name(d.name.symbol))
    case .cadence(let d):
      addTop(d.name, .cadence, d.span)
      for case .step(let s) in d.items { _ = declare(s.name, .step, s.span, container: analysis.name(d.name.symbol)) }
    case .match(let d): addTop(d.name, .matchRule, d.span)
    case .role(let d): addTop(d.name, .role, d.span)
    case .approval(let d): addTop(d.name, .approval, d.span)
    case .dimension(let d): addTop(d.name, .dimension, d.span)
    case .processor(let d): addTop(d.name, .processor, d.span)
    case .statementFormat(let d): addTop(d.name, .statementFormat, d.span)
    case .include, .setting, .numbering, .feeBilling, .creditUse, .posting: break
    }
  }

  private func addPlanItems(_ items: [PlanItem], plan: String) {
    for item in items {
      switch item {
      case .charge(let c): _ = declare(c.name, .charge, c.span, container: plan)
      case .phase(let p):
        _ = declare(p.name, .phase, p.span, container: plan)
        addPlanItems(p.items, plan: plan)
      default: break
      }
    }
  }

  /// The tokens of a file (lexed once per index).
  func tokens(_ id: FileID) -> [Token] {
    if let t = tokenCache[id] { return t }
    let t = analysis.tokens(id)
    tokenCache[id] = t
    return t
  }

  /// The index of the token at a byte offset (one that contains it, or ends right at it), if any.
  func tokenIndex(_ id: FileID, at offset: Int) -> Int? {
    let ts = tokens(id)
    var lo = 0
    var hi = ts.count - 1
    guard hi >= 0 else { return nil }
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if Int(ts[mid].start) <= offset { lo = mid } else { hi = mid - 1 }
    }
    // Prefer the token that starts at the offset; else one that ends there (the cursor right after a word).
    let t = ts[lo]
    guard t.kind != .eof, t.kind != .newline, Int(t.start) <= offset, offset <= Int(t.end) else { return nil }
    return lo
  }

  /// What the identifier token `i` of a file refers to.
  func resolve(_ id: FileID, token i: Int) -> Target? {
    let ts = tokens(id)
    let t = ts[i]
    if t.kind == .string {
      return includes.first { $0.0.file == id && $0.0.start == t.start }.map { .include($0.1) }
    }
    guard t.kind == .identifier else { return nil }
    if let d = declaredAt[Span(file: id, start: t.start, end: t.end)] {
      // A member (charge, phase, step) is itself where it is declared; a top-level name resolves to the first.
      return .declared(d.container == nil ? (top[d.name] ?? d) : d)
    }
    let word = analysis.name(t.symbol)
    if i >= 2, ts[i - 1].kind == .dot, ts[i - 2].kind == .identifier {
      let recordName = analysis.name(ts[i - 2].symbol)
      if let f = fields[recordName + "." + word] { return .declared(f) }
      if let r = RecordKind(rawValue: recordName), let f = coreField(r, word) { return .coreField(r, f) }
      return nil
    }
    if let p = parameter(word, in: id, at: t.start) { return .declared(p) }
    if let d = top[word] { return .declared(d) }
    if let r = RecordKind(rawValue: word) { return .record(r) }
    if let b = Builtin(rawValue: word), i + 1 < ts.count, ts[i + 1].kind == .lparen { return .builtin(b) }
    if word.count == 3, word == word.uppercased(), let c = Currency.lookup(word) { return .currency(c) }
    return nil
  }

  func coreField(_ r: RecordKind, _ name: String) -> FieldInfo? {
    analysis.program?.fields(of: r).first { $0.name == name }
  }

  /// The parameter of the define around `offset` named `word`, if any.
  func parameter(_ word: String, in id: FileID, at offset: Int32) -> Declared? {
    guard let ds = defines[id], !ds.isEmpty else { return nil }
    var lo = 0
    var hi = ds.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if ds[mid].span.start <= offset { lo = mid } else { hi = mid - 1 }
    }
    let d = ds[lo]
    guard d.span.start <= offset && offset <= d.span.end else { return nil }
    return d.params.first { $0.name == word }
  }

  /// The target under the cursor.
  func target(_ id: FileID, at offset: Int) -> Target? {
    tokenIndex(id, at: offset).flatMap { resolve(id, token: $0) }
  }

  /// Every place a declaration is written: its declaration and each use, in file order.
  func occurrences(of d: Declared) -> [Span] {
    var out: [Span] = []
    let ids = (analysis.set?.files ?? []).map(\.file)
    for id in ids {
      let ts = tokens(id)
      for (i, t) in ts.enumerated() where t.kind == .identifier && analysis.name(t.symbol) == d.name {
        guard case .declared(let x)? = resolve(id, token: i), x.nameSpan == d.nameSpan else { continue }
        out.append(Span(file: id, start: t.start, end: t.end))
      }
    }
    if !out.contains(d.nameSpan) { out.insert(d.nameSpan, at: 0) }
    return out.sorted { ($0.file, $0.start) < ($1.file, $1.start) }
  }

  /// The includes that load a file.
  func includers(of file: FileID) -> [Span] { includes.filter { $0.1 == file }.map(\.0) }
}

/// `NSString`'s path helpers without Foundation's bridging in the callers.
struct NSStringPath {
  let path: String
  var folder: String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
  }
}
