import AccrueModel
import Foundation
import AccrueCore
import AccrueDiagnostics
import AccrueLexer
import AccrueParser

/// The result of checking one rule set.
public struct CheckResult: Sendable {
  /// The checked program (present even with errors, for tools; compile only when error-free).
  public var program: CheckedProgram
  /// Checker diagnostics (not including the loader's).
  public var diagnostics: [Diagnostic]
  /// Whether any checker error was reported.
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Names, types, units, currencies and rule conflicts.
public enum Checker {
  /// Checks one loaded rule set. `parallel` forces (true) or forbids (false) checking blocks on two
  /// threads; by default large rule sets use two.
  public static func check(_ set: RuleSet, in load: LoadResult, parallel: Bool? = nil) -> CheckResult {
    let c = CheckerState(interner: load.interner, sources: load.sources, exprCount: Int(load.exprCount))
    c.parallel = parallel
    c.run(set)
    return CheckResult(program: c.program(), diagnostics: c.diags)
  }
}

/// Where an expression is checked: which records it sees and which settings are in force.
struct Context {
  var records: RecordSet = []
  var params: [Symbol: (Int, ValueType)] = [:]
  var settings = Settings()
  /// Calendar for business-day arithmetic is available (cadence with calendar or default weekends).
  var what: String = "here"
  /// Whether the block restricted itself to one currency (narrows record money fields).
  var blockCurrency: Currency?
  /// A plan's currencies when it is priced in several (`currency USD, EUR`): its amounts are given per currency.
  var priceBook: [Currency] = []
  /// Currencies that conditions already tested (`invoice.currency = USD and ...`): the money fields of these
  /// records are in that currency where the test holds.
  var narrowed: [(record: RecordKind, currency: Currency)] = []
  /// Inside a condition already reported as thresholds of several currencies joined by 'or' (E0412 once, with
  /// the one comparison to write instead): its comparisons are not reported again.
  var thresholdsReported = false
  /// In an approval rule's condition (grammar.md §11): the approval-only fields are readable, and an amount in
  /// one currency meets any record's money (an item in a currency the condition's amounts do not name never
  /// matches: the compiler records the currencies).
  var approvals = false

  /// The currency a record's money is known to be in here (the block's, or one a condition tested).
  func currency(of r: RecordKind) -> Currency? {
    blockCurrency ?? narrowed.last(where: { $0.record == r })?.currency
  }

  /// This context where `facts` hold.
  func narrowing(_ facts: [(record: RecordKind, currency: Currency)]) -> Context {
    guard !facts.isEmpty else { return self }
    var c = self
    c.narrowed += facts
    return c
  }
}

/// A `let` being checked (its fields, like `CheckerState`'s, are touched by one thread at a time).
final class LetEntry {
  @exclusivity(unchecked) var decl: LetDecl
  @exclusivity(unchecked) var file: FileID
  @exclusivity(unchecked) var state = 0  // 0 unchecked, 1 in progress, 2 done
  @exclusivity(unchecked) var type: ValueType = .error
  @exclusivity(unchecked) var index = -1
  init(_ d: LetDecl, _ f: FileID) {
    decl = d
    file = f
  }
}

final class DefineEntry {
  @exclusivity(unchecked) var decl: DefineDecl
  @exclusivity(unchecked) var file: FileID
  @exclusivity(unchecked) var state = 0
  @exclusivity(unchecked) var type: ValueType = .error
  /// How deep and how large its body is once the definitions it calls are written out in place, as the
  /// compiler inlines them (set when checked).
  @exclusivity(unchecked) var expansion = Expansion(depth: 0, size: 0)
  @exclusivity(unchecked) var index: Int
  init(_ d: DefineDecl, _ f: FileID, _ i: Int) {
    decl = d
    file = f
    index = i
  }
}

/// The checker's state. Its properties are read and written for every expression typed, from this class's methods
/// on one thread at a time (a worker has a state of its own): they are marked `@exclusivity(unchecked)`, which
/// spares each access the runtime's exclusivity bookkeeping (5.5% of `check`'s instructions; docs/PERFORMANCE.md).
final class CheckerState {
  @exclusivity(unchecked) var interner: Interner
  let sources: SourceMap
  @exclusivity(unchecked) var diags: [Diagnostic] = []
  /// "Did you mean" searches made so far (`suggestion`).
  @exclusivity(unchecked) var suggestionsMade = 0
  @exclusivity(unchecked) var types: [ValueType]
  @exclusivity(unchecked) var resolutions: [Resolution?]
  /// The second worker of `checkBlocksInParallel` logs the expressions it typed or resolved, so merging its
  /// results visits those alone (not every expression of the rule set).
  @exclusivity(unchecked) var logsWrites = false
  @exclusivity(unchecked) var written: [Int32] = []

  @exclusivity(unchecked) var topSettings = Settings()
  @exclusivity(unchecked) var topSettingSpans: [String: Span] = [:]
  /// The receivables ledger's statements, checked (`checkLedger`).
  @exclusivity(unchecked) var ledger = LedgerStatements()
  /// The statement formats, checked (`checkStatementFormats`; those with errors left out).
  @exclusivity(unchecked) var statementFormats: [CheckedStatementFormat] = []
  /// The processors' settings, checked (`checkProcessors`; those with errors left out).
  @exclusivity(unchecked) var processors: [CheckedProcessor] = []
  /// Roles (where each is first declared, and the declarations in rule order) and approval rules (grammar.md §11).
  @exclusivity(unchecked) var roles: [Symbol: Span] = [:]
  @exclusivity(unchecked) var roleOrder: [RoleDecl] = []
  @exclusivity(unchecked) var rolesUsed: Set<Symbol> = []
  @exclusivity(unchecked) var approvals: [CheckedApproval] = []
  /// Dimensions of the general ledger (where each is declared) and the posting blocks, checked (grammar.md §12).
  @exclusivity(unchecked) var dimensionIndex: [String: Span] = [:]
  @exclusivity(unchecked) var dimensions: [CheckedDimension] = []
  @exclusivity(unchecked) var postings: [CheckedPosting] = []
  /// The formats of the first `number invoices` and `number debit notes`, read, to compare them.
  @exclusivity(unchecked) var numberingFormats: [NumberedDocument: (ScannedFormat, NumberingDecl)] = [:]
  @exclusivity(unchecked) var lets: [Symbol: LetEntry] = [:]
  @exclusivity(unchecked) var letOrder: [LetEntry] = []
  @exclusivity(unchecked) var defines: [Symbol: DefineEntry] = [:]
  @exclusivity(unchecked) var defineList: [DefineEntry] = []
  @exclusivity(unchecked) var customFields: [RecordKind: [FieldInfo]] = [:]
  /// Every record's fields by symbol (core fields from the start, custom ones as declared), by record index.
  @exclusivity(unchecked) var fieldTable: [[Symbol: FieldInfo]] = Array(repeating: [:], count: RecordKind.allCases.count)
  let asOfSymbol: Symbol
  let recordSymbols: [Symbol: RecordKind]
  @exclusivity(unchecked) var calendars: [Located<CalendarDecl>] = []
  @exclusivity(unchecked) var calendarIndex: [Symbol: Int] = [:]
  @exclusivity(unchecked) var calendarUsed: Set<Int> = []
  @exclusivity(unchecked) var metrics: [Located<MetricDecl>] = []
  @exclusivity(unchecked) var metricIndex: [Symbol: Int] = [:]
  @exclusivity(unchecked) var metricUsed: Set<Int> = []
  @exclusivity(unchecked) var patternCache: [String: Result<Pattern, Pattern.Error>] = [:]
  @exclusivity(unchecked) var parallel: Bool?
  /// Definitions referenced so far (per worker; merged after parallel checking).
  @exclusivity(unchecked) var usedLets: Set<Symbol> = []
  @exclusivity(unchecked) var usedDefines: Set<Symbol> = []
  /// Lets being constant-folded (guards cycles in constValue).
  @exclusivity(unchecked) var folding: Set<Symbol> = []
  /// How many expressions are being typed, one inside another (through the lets and definitions they use).
  @exclusivity(unchecked) var nesting = 0
  /// Whether the expression being typed was reported too deep already.
  @exclusivity(unchecked) var reportedNesting = false
  /// How many expressions `constValue` is folding, one inside another (through the lets they name).
  @exclusivity(unchecked) var constNesting = 0
  /// The kind of value each metric aggregates (number, or money for transaction amounts).
  @exclusivity(unchecked) var metricTypes: [ValueType?] = []
  @exclusivity(unchecked) var plans: [Located<PlanDecl>] = []
  @exclusivity(unchecked) var cadences: [Located<CadenceDecl>] = []
  @exclusivity(unchecked) var matches: [Located<MatchDecl>] = []
  /// Each namespace's declared names (a handful of namespaces, so a list: no string hashed per name).
  @exclusivity(unchecked) var declared: [(namespace: String, names: [Symbol: Span])] = []
  /// Stack of definitions being checked, for cycle messages.
  @exclusivity(unchecked) var defStack: [(String, Span)] = []
  /// Blocks that lost a statement to a syntax error, as (file << 32 | start) of their declaration.
  @exclusivity(unchecked) var incompleteBlocks: Set<Int64> = []

  /// A worker for parallel block checking: the same declarations, empty results (its tables of types and
  /// resolutions are made on its own thread, in `checkBlocksInParallel`).
  init(copying o: CheckerState) {
    interner = o.interner
    sources = o.sources
    types = []
    resolutions = []
    asOfSymbol = o.asOfSymbol
    recordSymbols = o.recordSymbols
    fieldTable = o.fieldTable
    topSettings = o.topSettings
    topSettingSpans = o.topSettingSpans
    lets = o.lets
    letOrder = o.letOrder
    defines = o.defines
    defineList = o.defineList
    customFields = o.customFields
    calendars = o.calendars
    calendarIndex = o.calendarIndex
    metrics = o.metrics
    metricIndex = o.metricIndex
    metricTypes = o.metricTypes
    plans = o.plans
    cadences = o.cadences
    matches = o.matches
    declared = o.declared
    patternCache = o.patternCache
    incompleteBlocks = o.incompleteBlocks
  }

  init(interner: Interner, sources: SourceMap, exprCount: Int) {
    self.interner = interner
    self.sources = sources
    self.types = [ValueType](repeating: .error, count: exprCount)
    self.resolutions = [Resolution?](repeating: nil, count: exprCount)
    self.asOfSymbol = self.interner.intern("as_of")
    var recordSymbols: [Symbol: RecordKind] = [:]
    for r in RecordKind.allCases { recordSymbols[self.interner.intern(r.rawValue)] = r }
    self.recordSymbols = recordSymbols
    for (r, fields) in Schema.core {
      var table: [Symbol: FieldInfo] = [:]
      for (i, f) in fields.enumerated() {
        var info = FieldInfo(name: f.0, type: f.1, doc: f.2, isCustom: false, index: i)
        // Found once by name here, so typing a field tests a flag instead of turning its name back into a string.
        info.approvalOnly = Schema.approvalOnly[r]?.contains(f.0) == true
        info.customerTotal = r == .customer && Self.customerTotals.contains(f.0)
        table[self.interner.intern(f.0)] = info
      }
      fieldTable[r.index] = table
    }
  }

  func name(_ s: Symbol) -> String { interner.name(s) }

  func report(
    _ code: DiagnosticCode, _ message: String, at span: Span, label: String? = nil, notes: [Note] = [],
    help: String? = nil, fix: FixIt? = nil
  ) {
    diags.append(Diagnostic(code, message, at: span, label: label, notes: notes, help: help, fix: fix))
  }

  /// Reports that the block declared at `block` lacks a statement, unless a statement of that block failed
  /// to parse: the syntax error already points there, and the statement was most likely that one.
  /// "Did you mean" for the first hundred unknown names of a run: each searches every candidate, so a file of
  /// thousands of misspellings would take time in proportion to their square (the rest get no suggestion).
  func suggestion(for name: String, in candidates: @autoclosure () -> [String]) -> String? {
    guard suggestionsMade < Self.maxSuggestions else { return nil }
    suggestionsMade += 1
    return Suggest.closest(to: name, in: candidates())
  }

  static let maxSuggestions = 100

  func reportMissing(in block: Span, _ message: String, at span: Span, help: String) {
    guard !incompleteBlocks.contains(Int64(block.file.index) << 32 | Int64(block.start)) else { return }
    report(.missingStatement, message, at: span, help: help)
  }

  func program() -> CheckedProgram {
    var p = CheckedProgram(
      names: interner.table, types: types, resolutions: resolutions, settings: topSettings,
      lets: letOrder.map { Located(decl: $0.decl, file: $0.file, settings: topSettings) },
      defines: defineList.map { Located(decl: $0.decl, file: $0.file, settings: topSettings) },
      customFields: customFields, calendars: calendars, metrics: metrics, plans: plans, cadences: cadences,
      matches: matches, ledger: ledger, statementFormats: statementFormats, processors: processors,
      roles: roleOrder.map { CheckedRole(name: name($0.name.symbol), label: $0.label?.value ?? name($0.name.symbol), span: $0.span) },
      approvals: approvals)
    p.dimensions = dimensions
    p.postings = postings
    p.invoiceGroupingSpan = topSettingSpans["invoice per"]
    return p
  }

  // MARK: - Driver

  func run(_ set: RuleSet) {
    // 1. Declarations in rule order: entry files in path order, includes inlined where they stand.
    var byID: [FileID: RuleFile] = [:]
    for f in set.files {
      byID[f.file] = f
      for start in f.incompleteBlocks { incompleteBlocks.insert(Int64(f.file.index) << 32 | Int64(start)) }
    }
    var visited: Set<FileID> = []
    // Declarations in rule order, in two lists: those that declare a name (checked by `declare`), and the rest
    // (settings, the ledger's statements, formats, processors, roles, approvals, postings), which the one-off
    // checks below walk, so none of them walks every plan and cadence of a large rule set.
    var named: [(Decl, FileID)] = []
    var others: [(Decl, FileID)] = []
    named.reserveCapacity(set.files.reduce(0) { $0 + $1.decls.count })
    var kinds = (plans: 0, cadences: 0, matches: 0, metrics: 0)
    func walk(_ id: FileID) {
      guard visited.insert(id).inserted, let rf = byID[id] else { return }
      var includeIndex = 0
      let targets = set.includes[id] ?? []
      for d in rf.decls {
        if case .include(let inc) = d {
          // The loader resolved includes in statement order, skipping the ones it reported.
          if includeIndex < targets.count, includeTarget(inc, set: set, from: id) == targets[includeIndex] {
            walk(targets[includeIndex])
            includeIndex += 1
          }
          continue
        }
        switch d {
        case .plan: kinds.plans += 1
        case .cadence: kinds.cadences += 1
        case .match: kinds.matches += 1
        case .metric: kinds.metrics += 1
        default: break
        }
        switch d {
        case .let, .define, .field, .calendar, .metric, .plan, .cadence, .match: named.append((d, id))
        default: others.append((d, id))
        }
      }
    }
    for e in set.entries { walk(e) }
    // Reserved, so large rule sets' lists of blocks are not copied as they grow.
    plans.reserveCapacity(kinds.plans)
    cadences.reserveCapacity(kinds.cadences)
    matches.reserveCapacity(kinds.matches)
    metrics.reserveCapacity(kinds.metrics)

    // 2. Settings, then names (so later checks see every declaration whatever the order).
    for (d, _) in others { if case .setting(let s) = d { applyTopSetting(s) } }
    for (d, f) in named { declare(d, f) }
    checkLedger(others)
    checkStatementFormats(others)
    checkProcessors(others)

    // 3. Definitions, then blocks.
    for e in letOrderSnapshot() { checkLet(e) }
    for e in defineList { checkDefine(e) }
    for i in calendars.indices { checkCalendar(calendars[i]) }
    metricTypes = Array(repeating: nil, count: metrics.count)
    let blocks = plans.count + cadences.count + matches.count
    if parallel ?? (blocks >= Self.parallelThreshold) {
      checkBlocksInParallel()
    } else {
      for i in metrics.indices { checkMetric(metrics[i], i) }
      checkBlocks(plans: plans.indices, cadences: cadences.indices, matches: matches.indices)
    }
    checkCadenceOrder()
    checkMatchOrder()
    checkApprovals(others)
    checkPostings(others)
    reportUnused()
  }

  /// Rule sets with at least this many plans, cadences and match rules are checked on two threads.
  static let parallelThreshold = 256

  func checkBlocks(plans p: Range<Int>, cadences c: Range<Int>, matches m: Range<Int>) {
    for i in p { checkPlan(&plans[i]) }
    for i in c { checkCadence(&cadences[i]) }
    for i in m { checkMatch(&matches[i]) }
  }

  /// Which loaded file an include statement resolved to (matching the loader's path rules).
  func includeTarget(_ inc: IncludeDecl, set: RuleSet, from id: FileID) -> FileID? {
    let dir = sources[id].path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let target = RuleSetLoader.normalize((dir.isEmpty ? "." : dir) + "/" + inc.path.value)
    for f in set.files where RuleSetLoader.normalize(sources[f.file].path) == target { return f.file }
    return nil
  }

  func letOrderSnapshot() -> [LetEntry] {
    lets.values.sorted { ($0.file, $0.decl.span.start) < ($1.file, $1.decl.span.start) }
  }

  func applyTopSetting(_ s: SettingDecl) {
    let key = s.setting.kindName
    if let first = topSettingSpans[key] {
      report(
        .duplicateSetting, "the rule set states '\(key)' twice", at: s.span,
        notes: [Note("first stated here", at: first)], help: "keep one '\(key)' statement for the whole rule set")
      return
    }
    topSettingSpans[key] = s.span
    topSettings.apply(s.setting)
  }

  /// Registers a name in a namespace; reports duplicates. Returns false for a duplicate.
  func register(_ kind: String, _ n: Name, namespace: String? = nil) -> Bool {
    guard n.symbol != .missing else { return false }
    let ns = namespace ?? kind
    // One look-up of the namespace and of the name: a name declared before keeps its first span.
    let k: Int
    if let i = declared.firstIndex(where: { $0.namespace == ns }) {
      k = i
    } else {
      k = declared.count
      declared.append((ns, [:]))
    }
    if let first = declared[k].names.updateValue(n.span, forKey: n.symbol) {
      declared[k].names[n.symbol] = first
      report(
        .duplicateDeclaration, "\(kind) '\(name(n.symbol))' is declared twice", at: n.span,
        notes: [Note("first declared here", at: first)], help: "rename one of them")
      return false
    }
    return true
  }

  func declare(_ d: Decl, _ f: FileID) {
    switch d {
    case .include, .setting, .numbering, .feeBilling, .creditUse, .statementFormat, .processor, .role, .approval, .dimension, .posting:
      break
    case .let(let l):
      guard checkNotReservedName(l.name), register("definition", l.name, namespace: "value") else { return }
      let e = LetEntry(l, f)
      lets[l.name.symbol] = e
    case .define(let dd):
      guard checkNotReservedName(dd.name), register("definition", dd.name, namespace: "value") else { return }
      if Builtin(rawValue: name(dd.name.symbol)) != nil {
        report(
          .duplicateDeclaration, "'\(name(dd.name.symbol))' is a built-in function", at: dd.name.span,
          help: "choose another name")
        return
      }
      let e = DefineEntry(dd, f, defineList.count)
      defines[dd.name.symbol] = e
      defineList.append(e)
    case .field(let fd):
      declareField(fd)
    case .calendar(let c):
      guard register("calendar", c.name) else { return }
      calendarIndex[c.name.symbol] = calendars.count
      calendars.append(Located(decl: c, file: f, settings: topSettings))
    case .metric(let m):
      guard register("metric", m.name) else { return }
      metricIndex[m.name.symbol] = metrics.count
      metrics.append(Located(decl: m, file: f, settings: topSettings))
    case .plan(let p):
      guard register("plan", p.name) else { return }
      plans.append(Located(decl: p, file: f, settings: topSettings))
    case .cadence(let c):
      guard register("cadence", c.name) else { return }
      cadences.append(Located(decl: c, file: f, settings: topSettings))
    case .match(let m):
      guard register("match rule", m.name) else { return }
      matches.append(Located(decl: m, file: f, settings: topSettings))
    }
  }

  func checkNotReservedName(_ n: Name) -> Bool {
    // `as_of` and the records' names, by symbol (equal words are equal symbols).
    if n.symbol == asOfSymbol || recordSymbols[n.symbol] != nil {
      report(.duplicateDeclaration, "'\(name(n.symbol))' is a built-in name", at: n.span, help: "choose another name")
      return false
    }
    let s = name(n.symbol)
    if s.utf8.count == 3, s.uppercased() == s, Currency.lookup(s) != nil {
      report(.duplicateDeclaration, "'\(s)' is a currency code", at: n.span, help: "choose another name")
      return false
    }
    return true
  }

  func declareField(_ fd: FieldDecl) {
    guard let r = RecordKind(rawValue: name(fd.record.symbol)) else {
      let s = suggestion(for: name(fd.record.symbol), in: RecordKind.allCases.map(\.rawValue))
      report(
        .unknownName, "'\(name(fd.record.symbol))' is not a record", at: fd.record.span,
        help: s.map { "did you mean '\($0)'?" } ?? "records: customer, contract, invoice, event, payment",
        fix: s.map { FixIt("replace with '\($0)'", edits: [Edit(fd.record.span, $0)]) })
      return
    }
    let fname = name(fd.field.symbol)
    if [.plan, .writeOff, .creditNote, .paymentPlan].contains(r) {
      report(
        .recordNotAvailable, "\(r.rawValue) records are filled by the engine for approval rules: custom fields of them are not read", at: fd.record.span,
        help: "declare the field on the customer or the contract (field customer.\(fname): text), which approval rules read too")
      return
    }
    if Schema.core[r]?.contains(where: { $0.0 == fname }) == true {
      report(
        .duplicateDeclaration, "\(r.rawValue) already has a field '\(fname)'", at: fd.field.span,
        help: "custom fields need names of their own")
      return
    }
    guard register("field", fd.field, namespace: "field." + r.rawValue) else { return }
    let t = ValueType(fd.type)
    if t == .date && fd.defaultValue == nil {
      // An empty date has no zero value (grammar.md §5): the field says what it means.
      report(
        .dateFieldWithoutDefault, "'\(r.rawValue).\(fname)' is a date with no default: a row that leaves it empty would have no date",
        at: fd.type.span,
        help: "say what an empty \(fname) means, as the rules that read it need: '= 0001-01-01' (long ago) or '= 9999-12-31' (far ahead)")
    }
    if let def = fd.defaultValue {
      var ctx = Context()
      ctx.settings = topSettings
      ctx.what = "a field's default value"
      let dt = typeOf(def, ctx)
      expectType(def, dt, t, "the default of '\(r.rawValue).\(fname)'")
    }
    let index = (Schema.core[r]?.count ?? 0) + (customFields[r]?.count ?? 0)
    var info = FieldInfo(name: fname, type: t, doc: "custom field", isCustom: true, index: index)
    info.defaultValue = fd.defaultValue
    customFields[r, default: []].append(info)
    fieldTable[r.index][fd.field.symbol] = info
  }

  // MARK: - let / define

  func checkLet(_ e: LetEntry) {
    if e.state == 2 { return }
    if e.state == 1 {
      let chain = defStack.map { "'\($0.0)'" }.joined(separator: " -> ")
      report(
        .recursiveDefinition, "'\(name(e.decl.name.symbol))' depends on itself: \(chain) -> '\(name(e.decl.name.symbol))'",
        at: e.decl.name.span, notes: defStack.dropFirst().map { Note("'\($0.0)' is used here", at: $0.1) })
      e.type = .error
      return
    }
    e.state = 1
    defStack.append((name(e.decl.name.symbol), e.decl.name.span))
    var ctx = Context()
    ctx.settings = topSettings
    ctx.what = "a 'let'"
    e.type = typeBody(e.decl.value, stated: e.decl.type, ctx, "'\(name(e.decl.name.symbol))'")
    defStack.removeLast()
    e.state = 2
    e.index = letOrder.count
    letOrder.append(e)
  }

  /// The type of a definition's body; when its type is stated, the body must fit it and the stated type wins.
  func typeBody(_ body: Expr, stated: TypeAnnotation?, _ ctx: Context, _ what: @autoclosure () -> String) -> ValueType {
    let t = typeOf(body, ctx)
    guard let stated else { return t }
    let want = ValueType(stated)
    expectType(body, t, want, what())
    return want
  }

  func checkDefine(_ e: DefineEntry) {
    if e.state == 2 { return }
    if e.state == 1 {
      let chain = defStack.map { "'\($0.0)'" }.joined(separator: " -> ")
      report(
        .recursiveDefinition, "'\(name(e.decl.name.symbol))' calls itself: \(chain) -> '\(name(e.decl.name.symbol))'",
        at: e.decl.name.span, help: "rules always terminate, so definitions cannot be recursive")
      e.type = .error
      return
    }
    e.state = 1
    defStack.append((name(e.decl.name.symbol), e.decl.name.span))
    var ctx = Context()
    ctx.settings = topSettings
    ctx.what = "a 'define'"
    var seen: Set<Symbol> = []
    for (i, p) in e.decl.params.enumerated() {
      if !seen.insert(p.name.symbol).inserted {
        report(.duplicateDeclaration, "parameter '\(name(p.name.symbol))' is declared twice", at: p.name.span)
      }
      ctx.params[p.name.symbol] = (i, ValueType(p.type))
    }
    e.type = typeBody(e.decl.body, stated: e.decl.result, ctx, "the result of '\(name(e.decl.name.symbol))'")
    defStack.removeLast()
    e.state = 2
    e.expansion = expansion(of: e.decl.body)
    if e.expansion.size > Expansion.maxSize {
      report(
        .nestingTooDeep,
        "'\(name(e.decl.name.symbol))' expands to more than 100,000 operations once the definitions it calls are written out",
        at: e.decl.name.span, help: "a definition called twice in another doubles its size: compute the shared part once with 'let'")
      e.type = .error
    }
  }

  func reportUnused() {
    for e in letOrder where !usedLets.contains(e.decl.name.symbol) {
      report(
        .unusedDefinition, "'\(name(e.decl.name.symbol))' is defined but never used", at: e.decl.name.span,
        help: "remove it, or use it where it was meant to be used")
    }
    for e in defineList where !usedDefines.contains(e.decl.name.symbol) {
      report(
        .unusedDefinition, "'\(name(e.decl.name.symbol))' is defined but never used", at: e.decl.name.span,
        help: "remove it, or call it where it was meant to be used")
    }
    for (i, m) in metrics.enumerated() where !metricUsed.contains(i) {
      report(
        .unusedDefinition, "metric '\(name(m.decl.name.symbol))' is not used by any charge", at: m.decl.name.span,
        help: "price it with 'usage \(name(m.decl.name.symbol))' in a charge, or remove it")
    }
    for (i, c) in calendars.enumerated() where !calendarUsed.contains(i) {
      report(
        .unusedDefinition, "calendar '\(name(c.decl.name.symbol))' is not used by any cadence", at: c.decl.name.span,
        help: "use it with 'calendar \(name(c.decl.name.symbol))' in a cadence, or remove it")
    }
  }
}
