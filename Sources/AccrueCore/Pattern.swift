/// A regular expression that always runs in time linear in the text: a Pike VM, or for a short text a
/// backtracking search that never tries the same instruction at the same place twice (RE2's "bit state"), so
/// it too takes at most one step per instruction and character. Both give the same matches.
///
/// Syntax: literals; `.`; classes `[a-z]`, `[^ ]`; escapes `\d \w \s \D \W \S` and escaped
/// punctuation; groups `( )` (capturing) and `(?: )`; alternation `|`; repetition `* + ?`,
/// `{n}`, `{n,}`, `{n,m}` (lazy with a trailing `?`); anchors `^ $`; a leading `(?i)` ignores case.
/// Limits: a pattern of at most 1,000 bytes compiling to at most 1,000 instructions; counts at
/// most 1,000; text is searched up to its first 10,000 characters. So one search costs at most
/// about 10^7 simple steps, whatever the input (a run of 200,000 payments stays within minutes even
/// when every pattern is the costliest allowed; `(?:a?){1000}a{1000}` is rejected).
public struct Pattern: Sendable {
  /// Longest pattern source accepted, in bytes.
  public static let maxSourceLength = 1_000
  /// Most compiled instructions.
  public static let maxInstructions = 1_000
  /// Largest repetition count.
  public static let maxRepeat = 1_000
  /// Characters of text searched.
  public static let maxTextLength = 10_000

  /// A syntax error at a byte offset of the source.
  public struct Error: Swift.Error, Sendable, Equatable {
    /// Byte offset in the pattern source.
    public var offset: Int
    /// What is wrong.
    public var message: String
  }

  /// One match: the whole range and each group's range, in characters (Unicode scalars) of the text.
  public struct Match: Sendable, Equatable {
    /// Range of the whole match.
    public var range: Range<Int>
    /// Ranges of capture groups 1...n (nil when a group did not take part).
    public var groups: [Range<Int>?]
  }

  enum Inst: Sendable {
    case char(UInt32)
    case any
    case set(Int)
    case split(Int, Int)
    case jump(Int)
    case save(Int)
    case lineStart
    case lineEnd
    case match
  }

  struct CharSet: Sendable {
    var ranges: [(UInt32, UInt32)] = []
    var negated = false
    func contains(_ c: UInt32, ignoreCase: Bool) -> Bool {
      var hit = ranges.contains { c >= $0.0 && c <= $0.1 }
      if !hit, ignoreCase, let o = Pattern.otherCase(c) { hit = ranges.contains { o >= $0.0 && o <= $0.1 } }
      return hit != negated
    }
  }

  let program: [Inst]
  let sets: [CharSet]
  let groupCount: Int
  let ignoreCase: Bool
  /// The source text.
  public let source: String
  /// The instructions that can consume a match's first character, when every match must begin with one
  /// (no anchor or empty match at the start): the search skips positions none of them accepts.
  let starts: [Inst]?
  /// The literal characters every match begins with (after `starts`' check, the search skips positions where
  /// they are not all there: `INV` in an `INV…` pattern rules out most of a remittance text's `I`s).
  let prefix: [UInt32]

  init(program: [Inst], sets: [CharSet], groupCount: Int, ignoreCase: Bool, source: String) {
    self.program = program
    self.sets = sets
    self.groupCount = groupCount
    self.ignoreCase = ignoreCase
    self.source = source
    var found: [Inst] = []
    var seen = Set<Int>()
    var stack = [0]
    var ok = true
    while let pc = stack.popLast(), ok {
      guard pc < program.count, seen.insert(pc).inserted else { continue }
      switch program[pc] {
      case .split(let a, let b): stack += [b, a]
      case .jump(let a): stack.append(a)
      case .save: stack.append(pc + 1)
      case .char, .any, .set: found.append(program[pc])
      case .lineStart, .lineEnd, .match: ok = false
      }
    }
    starts = ok && !found.isEmpty ? found : nil
    var literal: [UInt32] = []
    var pc = 0
    scan: while pc < program.count {
      switch program[pc] {
      case .save: pc += 1
      case .char(let c):
        literal.append(c)
        pc += 1
      default: break scan
      }
    }
    prefix = literal
  }

  /// Whether a match can begin at `pos`: its first character, then the literal prefix.
  @inline(__always) func canBegin<Text: RandomAccessCollection<UInt32>>(_ text: Text, _ pos: Int, _ n: Int) -> Bool where Text.Index == Int {
    guard canStart(text[pos]) else { return false }
    if prefix.count <= 1 { return true }
    guard pos + prefix.count <= n else { return false }
    for k in 1..<prefix.count {
      let c = text[pos + k]
      let want = prefix[k]
      if c != want && !(ignoreCase && Self.otherCase(c) == want) { return false }
    }
    return true
  }

  /// Whether a match can begin with this character.
  @inline(__always) func canStart(_ c: UInt32) -> Bool {
    guard let starts else { return true }
    for i in starts {
      switch i {
      case .char(let want): if c == want || (ignoreCase && Self.otherCase(c) == want) { return true }
      case .any: if c != 10 { return true }
      case .set(let k): if sets[k].contains(c, ignoreCase: ignoreCase) { return true }
      default: return true
      }
    }
    return false
  }

  /// Compiles a pattern, or explains what is wrong and where.
  public static func compile(_ source: String) -> Result<Pattern, Error> {
    var bytes = Array(source.unicodeScalars.map(\.value))
    var offsets: [Int] = []
    var o = 0
    for s in source.unicodeScalars {
      offsets.append(o)
      o += String(s).utf8.count
    }
    offsets.append(o)
    if source.utf8.count > maxSourceLength {
      return .failure(Error(offset: maxSourceLength, message: "a pattern may be at most \(maxSourceLength) bytes"))
    }
    var ignoreCase = false
    var start = 0
    if bytes.starts(with: [40, 63, 105, 41]) {  // (?i)
      ignoreCase = true
      start = 4
    }
    bytes = Array(bytes[start...])
    var p = PatternParser(chars: bytes, offsets: Array(offsets[start...]))
    do {
      let ast = try p.parseAlternation()
      if p.i < bytes.count {
        throw Error(offset: p.offsetAt(p.i), message: "unmatched ')'")
      }
      var c = PatternCompiler()
      c.emit(.save(0))
      try c.compile(ast)
      c.emit(.save(1))
      c.emit(.match)
      if c.program.count > maxInstructions {
        throw Error(offset: 0, message: "the pattern is too large once repetitions are expanded (over \(maxInstructions) steps): a search could take too long on long texts; use smaller counts")
      }
      return .success(Pattern(program: c.program, sets: p.sets, groupCount: p.groups, ignoreCase: ignoreCase, source: source))
    } catch let e as Error {
      return .failure(e)
    } catch {
      return .failure(Error(offset: 0, message: "invalid pattern"))
    }
  }

  static func otherCase(_ c: UInt32) -> UInt32? {
    if c >= 65 && c <= 90 { return c + 32 }
    if c >= 97 && c <= 122 { return c - 32 }
    return nil
  }

  /// The leftmost match at or after character `from`, preferring earlier alternatives like Perl (except inside
  /// nested repetitions that can match empty, where a Pike VM keeps the first thread to reach each step).
  public func firstMatch(in text: [UInt32], from: Int = 0) -> Match? {
    var vm = Machine(size: program.count, slots: 2 * (groupCount + 1))
    return firstMatch(in: text, from: from, &vm)
  }

  /// The thread lists and scratch space of one search (reused across the searches of `allMatches`). Plain
  /// memory, allocated once a search and freed with the machine: the inner loops write it without the
  /// copy-on-write checks arrays make on every store.
  struct Machine {
    var clist: ThreadList
    var nlist: ThreadList
    /// Pending steps of `addThread`: each instruction is expanded at most once a step and pushes at most two.
    let stack: UnsafeMutablePointer<(pc: Int, slot: Int, value: Int)>
    let work: UnsafeMutablePointer<Int>
    let slots: Int
    let memory: MachineMemory
    /// The backtracking search's (instruction, place) pairs tried, a bit each, and its pending steps (grown
    /// as needed: each pair tried pushes at most two).
    let visited: UnsafeMutablePointer<UInt64>
    var jobs: UnsafeMutablePointer<Job>
    var jobCapacity: Int
    init(size: Int, slots: Int) {
      memory = MachineMemory()
      clist = ThreadList(size: size, slots: slots, memory)
      nlist = ThreadList(size: size, slots: slots, memory)
      stack = memory.allocate(2 * size + 2, of: (pc: Int, slot: Int, value: Int).self, (0, 0, 0))
      work = memory.allocate(max(slots, 1), of: Int.self, -1)
      self.slots = slots
      visited = memory.allocate(Pattern.backtrackBits / 64, of: UInt64.self, 0)
      jobCapacity = 256
      jobs = memory.allocate(jobCapacity, of: Job.self, Job(pc: 0, pos: 0))
    }
  }

  /// A step of the backtracking search: try instruction `pc` at place `pos`, or (`pc` < 0) put capture slot
  /// `-1 - pc` back to `pos`.
  struct Job {
    var pc: Int32
    var pos: Int32
  }

  /// The largest search (instructions times places) done by backtracking: 256 Kbit of memory for the pairs
  /// tried, cleared each search; larger ones take the Pike VM.
  static let backtrackBits = 256 * 1024

  /// Owns a machine's memory.
  final class MachineMemory {
    private var blocks: [UnsafeMutableRawPointer] = []
    func allocate<T>(_ n: Int, of: T.Type, _ initial: T) -> UnsafeMutablePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: n)
      p.initialize(repeating: initial, count: n)
      blocks.append(UnsafeMutableRawPointer(p))
      return p
    }
    deinit { for b in blocks { b.deallocate() } }
  }

  /// How a search is done: the Pike VM or backtracking (`fit`: backtracking when the search is small enough).
  enum Engine {
    case fit, pike, backtrack
  }

  func firstMatch(in text: [UInt32], from: Int, _ vm: inout Machine, _ engine: Engine = .fit) -> Match? {
    let n = min(text.count, Self.maxTextLength)
    if engine != .pike && from <= n && (engine == .backtrack || program.count * (n - from + 1) <= Self.backtrackBits) {
      return text.withUnsafeBufferPointer { backtrack($0, from: from, n: n, &vm) }
    }
    return pike(text, from: from, n: n, &vm)
  }

  func pike(_ text: [UInt32], from: Int, n: Int, _ vm: inout Machine) -> Match? {
    var pos = from
    if starts != nil {
      // Nothing to do when no match can begin anywhere.
      while pos < n && !canBegin(text, pos, n) { pos += 1 }
      if pos >= n { return nil }
    }
    let slots = vm.slots
    vm.clist.clear()
    vm.nlist.clear()
    var matched: [Int]?
    while pos <= n {
      if matched == nil && vm.clist.count == 0 && starts != nil {
        // No thread alive: jump to the next place a match can begin.
        while pos < n && !canBegin(text, pos, n) { pos += 1 }
        if pos == n { break }
      }
      if matched == nil {
        for k in 0..<slots { vm.work[k] = -1 }
        addThread(&vm, toNext: false, 0, pos, text, n)
      }
      if vm.clist.count == 0 {
        // No thread: done once something matched or the text ended; else (an anchor failed here) try the next place.
        if matched != nil || pos >= n { break }
        vm.clist.clear()
        pos += 1
        continue
      }
      let c: UInt32? = pos < n ? text[pos] : nil
      var ti = 0
      while ti < vm.clist.count {
        let pc = vm.clist.pcs[ti]
        var advance = false
        switch program[pc] {
        case .match:
          matched = Array(UnsafeBufferPointer(start: vm.clist.caps + ti * slots, count: slots))
          // Lower-priority threads are cut off.
          vm.clist.count = ti + 1
        case .char(let want): advance = c.map { $0 == want || (ignoreCase && Self.otherCase($0) == want) } ?? false
        case .any: advance = c.map { $0 != 10 } ?? false
        case .set(let k): advance = c.map { sets[k].contains($0, ignoreCase: ignoreCase) } ?? false
        default: break
        }
        if advance {
          for k in 0..<slots { vm.work[k] = vm.clist.caps[ti * slots + k] }
          addThread(&vm, toNext: true, pc + 1, pos + 1, text, n)
        }
        ti += 1
      }
      swap(&vm.clist, &vm.nlist)
      vm.nlist.clear()
      if pos == n { break }
      pos += 1
    }
    // Threads still alive at the end may hold a match.
    for ti in 0..<vm.clist.count {
      if case .match = program[vm.clist.pcs[ti]] {
        matched = Array(UnsafeBufferPointer(start: vm.clist.caps + ti * slots, count: slots))
        break
      }
    }
    guard let m = matched, m[0] >= 0, m[1] >= 0 else { return nil }
    var groups: [Range<Int>?] = []
    for g in 1...max(1, groupCount) where g <= groupCount {
      let s = m[2 * g]
      let e = m[2 * g + 1]
      groups.append(s >= 0 && e >= s ? s..<e : nil)
    }
    return Match(range: m[0]..<m[1], groups: groups)
  }

  /// `firstMatch` by backtracking in priority order (the first way to `.match` found is the match a Pike VM
  /// gives), from each place a match can begin in turn. An (instruction, place) pair is tried once: when it
  /// comes again, whatever followed it failed the first time (or the search would have ended), and what
  /// follows does not depend on the captures so far, so it fails again. Threads of the Pike VM meeting at a
  /// pair are cut the same way (the first, in priority order, goes on).
  func backtrack(_ text: UnsafeBufferPointer<UInt32>, from: Int, n: Int, _ vm: inout Machine) -> Match? {
    let size = program.count
    let width = n - from + 1
    precondition(size * width <= Self.backtrackBits, "a search too large to backtrack")
    let visited = vm.visited
    for w in 0..<(size * width + 63) / 64 { visited[w] = 0 }
    let caps = vm.work
    let slots = vm.slots
    var top = 0
    @inline(__always) func push(_ pc: Int, _ pos: Int, _ vm: inout Machine) {
      if top == vm.jobCapacity {
        let bigger = vm.memory.allocate(2 * vm.jobCapacity, of: Job.self, Job(pc: 0, pos: 0))
        bigger.update(from: vm.jobs, count: top)
        vm.jobs = bigger
        vm.jobCapacity *= 2
      }
      vm.jobs[top] = Job(pc: Int32(pc), pos: Int32(pos))
      top += 1
    }
    @inline(__always) func accepts(_ inst: Inst, _ c: UInt32) -> Bool {
      switch inst {
      case .char(let want): return c == want || (ignoreCase && Self.otherCase(c) == want)
      case .any: return c != 10
      case .set(let k): return sets[k].contains(c, ignoreCase: ignoreCase)
      default: return false
      }
    }
    var start = from
    while start <= n {
      if starts != nil {
        // Every match consumes a first character: none begins at the end, nor where `canBegin` rules it out.
        if start >= n { break }
        if !canBegin(text, start, n) {
          start += 1
          continue
        }
      }
      for k in 0..<slots { caps[k] = -1 }
      top = 0
      push(0, start, &vm)
      while top > 0 {
        top -= 1
        let job = vm.jobs[top]
        if job.pc < 0 {
          caps[Int(-1 - job.pc)] = Int(job.pos)
          continue
        }
        var pc = Int(job.pc)
        var pos = Int(job.pos)
        // Follows one path until it fails, pushing the alternatives and capture restores met.
        while true {
          let bit = pc * width + (pos - from)
          if visited[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { break }
          visited[bit >> 6] |= 1 << UInt64(bit & 63)
          let inst = program[pc]
          switch inst {
          case .char, .any, .set:
            guard pos < n, accepts(inst, text[pos]) else { break }
            pc += 1
            pos += 1
            continue
          case .split(let x, let y):
            push(y, pos, &vm)
            pc = x
            continue
          case .jump(let x):
            pc = x
            continue
          case .save(let k):
            push(-1 - k, caps[k], &vm)
            caps[k] = pos
            pc += 1
            continue
          case .lineStart:
            guard pos == 0 || text[pos - 1] == 10 else { break }
            pc += 1
            continue
          case .lineEnd:
            guard pos == n || text[pos] == 10 else { break }
            pc += 1
            continue
          case .match:
            guard caps[0] >= 0, caps[1] >= 0 else { return nil }
            var groups: [Range<Int>?] = []
            for g in 1...max(1, groupCount) where g <= groupCount {
              let (s, e) = (caps[2 * g], caps[2 * g + 1])
              groups.append(s >= 0 && e >= s ? s..<e : nil)
            }
            return Match(range: caps[0]..<caps[1], groups: groups)
          }
          break
        }
      }
      start += 1
    }
    return nil
  }

  /// Every non-overlapping match, left to right.
  public func allMatches(in text: [UInt32]) -> [Match] {
    var vm = Machine(size: program.count, slots: 2 * (groupCount + 1))
    return allMatches(in: text, &vm)
  }

  /// `allMatches` by one engine (tests compare them).
  func allMatches(in text: [UInt32], using engine: Engine) -> [Match] {
    var vm = Machine(size: program.count, slots: 2 * (groupCount + 1))
    return allMatches(in: text, &vm, engine)
  }

  /// A search's memory, kept for the next search of the same pattern: many short texts are searched without
  /// allocating it each time (about a fifth of a remittance text's search). One thread's: not to be shared.
  public final class Scratch {
    fileprivate var vm: Machine
    fileprivate var scalars: [UInt32] = []
    /// The pattern's size it was made for (another pattern's search gets memory of its own).
    fileprivate let size: Int
    public init(_ p: Pattern) {
      size = p.program.count
      vm = Machine(size: p.program.count, slots: 2 * (p.groupCount + 1))
    }
  }

  func allMatches(in text: [UInt32], _ vm: inout Machine, _ engine: Engine = .fit) -> [Match] {
    var out: [Match] = []
    var from = 0
    let n = min(text.count, Self.maxTextLength)
    while from <= n, let m = firstMatch(in: text, from: from, &vm, engine) {
      out.append(m)
      from = m.range.isEmpty ? m.range.upperBound + 1 : m.range.upperBound
    }
    return out
  }

  /// Convenience: matches of a String, with group texts.
  public func allMatches(in text: String) -> [(whole: String, groups: [String?])] {
    allMatches(in: text, Scratch(self))
  }

  /// Matches of a String, with group texts, searched with `scratch` (made for this pattern).
  public func allMatches(in text: String, _ scratch: Scratch) -> [(whole: String, groups: [String?])] {
    guard scratch.size == program.count, scratch.vm.slots == 2 * (groupCount + 1) else { return allMatches(in: text, Scratch(self)) }
    // ASCII (most remittance text): characters are bytes, and texts are cut from them directly (read in place).
    let ascii: [(whole: String, groups: [String?])]? = text.withBytes { bytes in
      guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
      scratch.scalars.removeAll(keepingCapacity: true)
      for b in bytes { scratch.scalars.append(UInt32(b)) }
      return allMatches(in: scratch.scalars, &scratch.vm).map { m in
        func slice(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
        return (slice(m.range), m.groups.map { $0.map(slice) })
      }
    }
    if let ascii { return ascii }
    let scalars = text.unicodeScalars.map(\.value)
    return allMatches(in: scalars, &scratch.vm).map { m in
      func slice(_ r: Range<Int>) -> String {
        var s = String.UnicodeScalarView()
        for v in scalars[r] { if let u = Unicode.Scalar(v) { s.append(u) } }
        return String(s)
      }
      return (slice(m.range), m.groups.map { $0.map(slice) })
    }
  }

  /// Whether the pattern matches anywhere in the text.
  public func matches(_ text: String) -> Bool {
    firstMatch(in: text.unicodeScalars.map(\.value)) != nil
  }

  struct ThreadList {
    let pcs: UnsafeMutablePointer<Int>
    /// Each thread's capture slots, one after the other.
    let caps: UnsafeMutablePointer<Int>
    let onList: UnsafeMutablePointer<Int>  // generation stamp per pc
    var generation = 1
    var count = 0
    init(size: Int, slots: Int, _ memory: MachineMemory) {
      pcs = memory.allocate(max(size, 1), of: Int.self, 0)
      caps = memory.allocate(max(size * slots, 1), of: Int.self, -1)
      onList = memory.allocate(max(size, 1), of: Int.self, 0)
    }
    mutating func clear() {
      count = 0
      generation += 1
    }
  }

  /// Follows jumps, splits, saves and assertions from `pc` with the captures in `vm.work` (iteratively: a save
  /// pushes an entry that undoes it once the threads after it are added), adding threads to the current list
  /// or, with `toNext`, to the next one.
  func addThread(_ vm: inout Machine, toNext: Bool, _ pc0: Int, _ pos: Int, _ text: [UInt32], _ n: Int) {
    let slots = vm.slots
    let stack = vm.stack
    let work = vm.work
    var top = 0
    @inline(__always) func push(_ e: (pc: Int, slot: Int, value: Int)) {
      stack[top] = e
      top += 1
    }
    push((pc0, -1, 0))
    while top > 0 {
      top -= 1
      let (pc, slot, value) = stack[top]
      if slot >= 0 {
        work[slot] = value
        continue
      }
      let list = toNext ? vm.nlist : vm.clist
      if list.onList[pc] == list.generation { continue }
      list.onList[pc] = list.generation
      switch program[pc] {
      case .jump(let x):
        push((x, -1, 0))
      case .split(let x, let y):
        push((y, -1, 0))
        push((x, -1, 0))
      case .save(let k):
        push((0, k, work[k]))
        work[k] = pos
        push((pc + 1, -1, 0))
      case .lineStart:
        if pos == 0 || text[pos - 1] == 10 { push((pc + 1, -1, 0)) }
      case .lineEnd:
        if pos == n || text[pos] == 10 { push((pc + 1, -1, 0)) }
      default:
        if toNext {
          let t = vm.nlist.count
          vm.nlist.pcs[t] = pc
          for k in 0..<slots { vm.nlist.caps[t * slots + k] = vm.work[k] }
          vm.nlist.count += 1
        } else {
          let t = vm.clist.count
          vm.clist.pcs[t] = pc
          for k in 0..<slots { vm.clist.caps[t * slots + k] = vm.work[k] }
          vm.clist.count += 1
        }
      }
    }
  }
}

indirect enum PatternNode {
  case char(UInt32), any, set(Int), lineStart, lineEnd
  case concat([PatternNode])
  case alt([PatternNode])
  case group(Int?, PatternNode)
  case rep(PatternNode, min: Int, max: Int?, lazy: Bool)
  case empty
}

struct PatternParser {
  let chars: [UInt32]
  let offsets: [Int]
  var i = 0
  var groups = 0
  var sets: [Pattern.CharSet] = []
  var depth = 0

  func offsetAt(_ k: Int) -> Int { k < offsets.count ? offsets[k] : (offsets.last ?? 0) }
  func fail(_ msg: String, at k: Int? = nil) -> Pattern.Error { Pattern.Error(offset: offsetAt(k ?? i), message: msg) }
  var peek: UInt32? { i < chars.count ? chars[i] : nil }

  mutating func parseAlternation() throws -> PatternNode {
    depth += 1
    defer { depth -= 1 }
    if depth > 100 { throw fail("groups are nested too deeply") }
    var branches = [try parseConcat()]
    while peek == 124 {  // |
      i += 1
      branches.append(try parseConcat())
    }
    return branches.count == 1 ? branches[0] : .alt(branches)
  }

  mutating func parseConcat() throws -> PatternNode {
    var items: [PatternNode] = []
    while let c = peek, c != 124, c != 41 {
      var atom = try parseAtom()
      atom = try parseQuantifier(atom)
      items.append(atom)
    }
    return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
  }

  mutating func parseQuantifier(_ atom: PatternNode) throws -> PatternNode {
    guard let c = peek else { return atom }
    let start = i
    var lo = 0
    var hi: Int?
    switch c {
    case 42: (lo, hi) = (0, nil)  // *
    case 43: (lo, hi) = (1, nil)  // +
    case 63: (lo, hi) = (0, 1)  // ?
    case 123:  // {
      i += 1
      guard let a = readInt() else { throw fail("expected a number after '{'") }
      lo = a
      if peek == 44 {
        i += 1
        if peek == 125 { hi = nil } else {
          guard let b = readInt() else { throw fail("expected a number or '}' after ','") }
          hi = b
        }
      } else {
        hi = a
      }
      guard peek == 125 else { throw fail("expected '}' to close the count") }
      if lo > Pattern.maxRepeat || (hi ?? 0) > Pattern.maxRepeat {
        throw fail("counts may be at most \(Pattern.maxRepeat)", at: start)
      }
      if let h = hi, h < lo { throw fail("the count {\(lo),\(h)} has its bounds reversed", at: start) }
    default:
      return atom
    }
    i += 1
    if case .lineStart = atom { throw fail("'^' cannot be repeated", at: start) }
    var lazy = false
    if peek == 63 {
      lazy = true
      i += 1
    }
    if let n = peek, n == 42 || n == 43 || n == 63 || n == 123 { throw fail("a repetition cannot be repeated directly; use a group") }
    return .rep(atom, min: lo, max: hi, lazy: lazy)
  }

  mutating func readInt() -> Int? {
    var v = 0
    var any = false
    while let c = peek, c >= 48, c <= 57 {
      v = min(v * 10 + Int(c - 48), 1_000_000)
      any = true
      i += 1
    }
    return any ? v : nil
  }

  mutating func parseAtom() throws -> PatternNode {
    let c = chars[i]
    switch c {
    case 40:  // (
      let open = i
      i += 1
      var index: Int? = nil
      if peek == 63 {  // (?:
        guard i + 1 < chars.count, chars[i + 1] == 58 else { throw fail("only (?: ) groups are supported after '(?'") }
        i += 2
      } else {
        groups += 1
        index = groups
      }
      let inner = try parseAlternation()
      guard peek == 41 else { throw fail("this '(' is never closed", at: open) }
      i += 1
      return .group(index, inner)
    case 41: throw fail("unmatched ')'")
    case 42, 43, 63: throw fail("'\(Character(Unicode.Scalar(c)!))' must follow something to repeat")
    case 123: throw fail("'{' must follow something to repeat; write \\{ for a brace")
    case 46:
      i += 1
      return .any
    case 94:
      i += 1
      return .lineStart
    case 36:
      i += 1
      return .lineEnd
    case 91: return try parseClass()
    case 92:
      i += 1
      guard let e = peek else { throw fail("a pattern cannot end with '\\'") }
      i += 1
      if let s = shorthand(e) {
        sets.append(s)
        return .set(sets.count - 1)
      }
      if let lit = escapedLiteral(e) { return .char(lit) }
      throw fail("unknown escape '\\\(Character(Unicode.Scalar(e)!))'", at: i - 2)
    default:
      i += 1
      return .char(c)
    }
  }

  func shorthand(_ e: UInt32) -> Pattern.CharSet? {
    switch e {
    case 100: return Pattern.CharSet(ranges: [(48, 57)])  // \d
    case 68: return Pattern.CharSet(ranges: [(48, 57)], negated: true)
    case 119: return Pattern.CharSet(ranges: [(48, 57), (65, 90), (97, 122), (95, 95)])  // \w
    case 87: return Pattern.CharSet(ranges: [(48, 57), (65, 90), (97, 122), (95, 95)], negated: true)
    case 115: return Pattern.CharSet(ranges: [(9, 13), (32, 32), (160, 160)])  // \s
    case 83: return Pattern.CharSet(ranges: [(9, 13), (32, 32), (160, 160)], negated: true)
    default: return nil
    }
  }

  func escapedLiteral(_ e: UInt32) -> UInt32? {
    switch e {
    case 110: return 10  // \n
    case 116: return 9  // \t
    case 114: return 13  // \r
    default:
      // Any ASCII punctuation may be escaped.
      if (e >= 33 && e <= 47) || (e >= 58 && e <= 64) || (e >= 91 && e <= 96) || (e >= 123 && e <= 126) { return e }
      return nil
    }
  }

  mutating func parseClass() throws -> PatternNode {
    let open = i
    i += 1
    var set = Pattern.CharSet()
    if peek == 94 {
      set.negated = true
      i += 1
    }
    var first = true
    while true {
      guard let c = peek else { throw fail("this '[' is never closed", at: open) }
      if c == 93 && !first { break }
      first = false
      var lo: UInt32
      i += 1
      if c == 92 {
        guard let e = peek else { throw fail("this '[' is never closed", at: open) }
        i += 1
        if let s = shorthand(e), !s.negated {
          set.ranges.append(contentsOf: s.ranges)
          continue
        }
        guard let lit = escapedLiteral(e) else { throw fail("unknown escape '\\\(Character(Unicode.Scalar(e)!))' in a class", at: i - 2) }
        lo = lit
      } else {
        lo = c
      }
      if peek == 45, i + 1 < chars.count, chars[i + 1] != 93 {
        i += 1
        var hi = chars[i]
        i += 1
        if hi == 92 {
          guard let e = peek, let lit = escapedLiteral(e) else { throw fail("invalid range end in a class") }
          i += 1
          hi = lit
        }
        if hi < lo { throw fail("the range in this class runs backwards", at: i - 3) }
        set.ranges.append((lo, hi))
      } else {
        set.ranges.append((lo, lo))
      }
    }
    i += 1
    sets.append(set)
    return .set(sets.count - 1)
  }
}

struct PatternCompiler {
  var program: [Pattern.Inst] = []

  mutating func emit(_ i: Pattern.Inst) { program.append(i) }

  mutating func compile(_ n: PatternNode) throws {
    if program.count > Pattern.maxInstructions {
      throw Pattern.Error(
        offset: 0,
        message: "the pattern is too large once repetitions are expanded (over \(Pattern.maxInstructions) steps): a search could take too long on long texts; use smaller counts")
    }
    switch n {
    case .empty: break
    case .char(let c): emit(.char(c))
    case .any: emit(.any)
    case .set(let k): emit(.set(k))
    case .lineStart: emit(.lineStart)
    case .lineEnd: emit(.lineEnd)
    case .concat(let xs): for x in xs { try compile(x) }
    case .group(let g, let inner):
      if let g { emit(.save(2 * g)) }
      try compile(inner)
      if let g { emit(.save(2 * g + 1)) }
    case .alt(let xs):
      var jumps: [Int] = []
      for (k, x) in xs.enumerated() {
        if k < xs.count - 1 {
          let split = program.count
          emit(.split(split + 1, -1))
          try compile(x)
          jumps.append(program.count)
          emit(.jump(-1))
          program[split] = .split(split + 1, program.count)
        } else {
          try compile(x)
        }
      }
      for j in jumps { program[j] = .jump(program.count) }
    case .rep(let x, let lo, let hi, let lazy):
      for _ in 0..<lo { try compile(x) }
      if let hi {
        // Optional copies: x? x? ... (hi - lo times), each skipping to the end.
        var splits: [Int] = []
        for _ in lo..<hi {
          splits.append(program.count)
          emit(.split(-1, -1))
          try compile(x)
        }
        let end = program.count
        for s in splits { program[s] = lazy ? .split(end, s + 1) : .split(s + 1, end) }
      } else {
        let loop = program.count
        emit(.split(-1, -1))
        try compile(x)
        emit(.jump(loop))
        let end = program.count
        program[loop] = lazy ? .split(end, loop + 1) : .split(loop + 1, end)
      }
    }
  }
}
