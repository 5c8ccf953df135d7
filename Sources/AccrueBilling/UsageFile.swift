import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A piece of the usage CSV for a worker: whole records, the file's bytes mapped (the first piece starts at the
/// file's first byte, its header line included); `lineOffset` is added to the line numbers of its rows counted
/// from 2, so they are the file's.
struct UsageChunk {
  var index: Int
  var window: MappedWindow
  var count: Int
  /// The file's header line with its line end (no BOM), which the general reader reads before a piece's records.
  var header: [UInt8]
  var lineOffset: Int

  var records: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: window.bytes[..<count]) }
}

/// What one usage worker hands back when the file is done.
struct UsageWorkerResult {
  var accs: [Accumulator]
  var failures: [RunFailure]
  var rows: (total: Int, fast: Int)
}

/// Reading the usage file: every event added to the accumulators of the periods it falls in. A large CSV file is
/// read in chunks of whole records by two workers, each with its own totals, merged at the end.
extension Billing {
  /// CSV files at least this large are read in chunks by two workers.
  static let parallelUsageThreshold = 32 << 20

  /// Adds the usage file's events to the accumulators; returns the data issues in file order, the rows read (and
  /// how many by the fast path), and the rules that failed on an event.
  static func aggregateUsage(
    _ plan: ExecutablePlan, _ data: Dataset, _ file: TableFile, _ accs: inout [Accumulator], _ byContract: [[Int]], _ env: Env,
    _ progress: Progress?, chunkBytes: Int? = nil
  ) -> (issues: [DataIssue], rows: (total: Int, fast: Int), failures: [RunFailure]) {
    let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    guard file.format == .csv, size >= parallelUsageThreshold || chunkBytes != nil, let handle = FileHandle(forReadingAtPath: file.path) else {
      // Row by row: contracts found through the data's index, no table of them (it cost ~4,500 instructions a
      // contract, most of the usage step for a small file).
      let shared = UsageShared(plan, data, file, byContract, contractTable: false)
      return aggregateInOneThread(shared, data, file, &accs, env, progress)
    }
    let shared = UsageShared(plan, data, file, byContract)
    defer { try? handle.close() }
    // Two workers, each with its own totals and environment, each owned by its thread.
    let queue = ChunkQueue<UsageChunk>(capacity: 2)
    let chunkIssues = ResultsByChunk<[DataIssue]>()
    let results = (0..<2).map { _ in ThreadResult<UsageWorkerResult>() }
    let done = DispatchSemaphore(value: 0)
    for result in results {
      startUsageWorker(shared, data.usageSchema, accs, env, queue, chunkIssues, result, done)
    }
    cutUsageFile(handle.fileDescriptor, block: max(1, chunkBytes ?? 8 << 20), queue, size: size, progress)
    queue.close()
    for _ in results { done.wait() }
    // Merge: totals add up exactly; the first rows are the earliest lines; issues in file order.
    let parts = results.map { $0.value! }  // each set before its worker signals `done`
    var merged = parts[0].accs
    var failures = parts.flatMap(\.failures).sorted { ($0.subject, $0.message) < ($1.subject, $1.message) }
    for other in parts.dropFirst() {
      for ai in merged.indices where !merge(&merged[ai], other.accs[ai]) { failures.append(tooLarge(plan, data, merged[ai])) }
    }
    accs = merged
    let rows = (parts.map(\.rows.total).reduce(0, +), parts.map(\.rows.fast).reduce(0, +))
    return (chunkIssues.inOrder().flatMap { $0 }, rows, failures)
  }

  /// A small file, or one that is not CSV: read row by row on this thread.
  static func aggregateInOneThread(
    _ shared: UsageShared, _ data: Dataset, _ file: TableFile, _ accs: inout [Accumulator], _ env: Env, _ progress: Progress?
  ) -> (issues: [DataIssue], rows: (total: Int, fast: Int), failures: [RunFailure]) {
    // The worker takes the accumulators over (held twice, its first event would copy them all, ~400 instructions each).
    var taken: [Accumulator] = []
    swap(&taken, &accs)
    var w = UsageWorker(shared, consume taken, env)
    var issues: [DataIssue] = []
    TableReader.stream(file, schema: data.usageSchema, onIssue: { issues.append($0) }) { row in
      w.process(row)
      w.flushIssues { issues.append($0) }
      if w.seen % 1_000_000 == 0 { progress?("usage events", w.seen, 0) }
    }
    accs = w.finished()
    return (issues, (w.seen, 0), w.failures)
  }

  /// Starts a worker thread: it takes chunks until the queue is closed and drained, files each chunk's issues,
  /// then hands back its totals and signals `done`.
  static func startUsageWorker(
    _ shared: UsageShared, _ schema: TableSchema, _ initial: [Accumulator], _ env: Env, _ queue: ChunkQueue<UsageChunk>,
    _ chunkIssues: ResultsByChunk<[DataIssue]>, _ result: ThreadResult<UsageWorkerResult>, _ done: DispatchSemaphore
  ) {
    let lets = env.lets
    let asOf = env.asOf
    let t = Thread {
      let e = Env(asOf: asOf)
      e.lets = lets
      var w = UsageWorker(shared, initial, e)
      var layout: UsageFastLayout?
      var first = true
      while let chunk = queue.take() {
        if first, !chunk.header.isEmpty {
          layout = UsageFastLayout(headerLine: chunk.header[...], shared: shared)
          first = false
        }
        var local: [DataIssue] = []
        w.runChunk(chunk, layout: layout, schema: schema) { local.append($0) }
        chunkIssues.set(chunk.index, local)
      }
      result.value = UsageWorkerResult(accs: w.finished(), failures: w.failures, rows: (w.seen, w.fastSeen))
      done.signal()
    }
    t.stackSize = 8 << 20
    t.start()
  }

  /// Cuts the file at record boundaries into chunks for the workers: a newline outside quotes (an even number of
  /// quotes before it). Each chunk is a window of the file mapped into memory (nothing copied); the next one
  /// starts on the record after it.
  static func cutUsageFile(_ fd: Int32, block: Int, _ queue: ChunkQueue<UsageChunk>, size: Int, _ progress: Progress?) {
    var header: [UInt8] = []
    var index = 0
    var linesBefore = 0
    var quotes = 0  // quotes before `start`
    var start = 0
    var span = block
    while start < size {
      let window = MappedWindow(fd: fd, offset: start, count: min(span, size - start))
      let b = window.bytes
      if b.isEmpty { break }
      let eof = start + b.count >= size || b.count < min(span, size - start)
      // Megabytes of the file handed to the workers (they are at most two chunks behind).
      progress?("usage MB", (start + b.count) >> 20, size >> 20)
      if index == 0, header.isEmpty, let nl = b.firstIndex(of: 10) {
        header = Array(b[...nl])
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
      }
      let (cut, quotesAtCut, newlines) = recordCut(b, quotes: quotes, eof: eof)
      guard cut >= 0 else {
        // No record ends in this window: a larger one.
        span += block
        continue
      }
      queue.put(UsageChunk(index: index, window: window, count: cut + 1, header: header, lineOffset: index == 0 ? 0 : linesBefore - 1))
      index += 1
      linesBefore += newlines
      quotes = quotesAtCut
      if eof { break }
      start += cut + 1
      span = block
    }
  }

  /// Where to cut `b`: the last newline outside quotes (at the end of the file, the last byte), with the quotes
  /// before it and the newlines up to it; -1 when there is none.
  static func recordCut(_ b: UnsafeBufferPointer<UInt8>, quotes: Int, eof: Bool) -> (cut: Int, quotes: Int, newlines: Int) {
    let n = b.count
    // Usual case: no quote in the bytes, so every newline is a boundary: the last one, and the newlines before
    // it counted eight bytes at a time.
    if n > 0, memchr(b.baseAddress!, 34, n) == nil {
      if eof { return (n - 1, quotes, LineCount.newlines(b, from: 0, to: n)) }
      // The last newline is within one record of the end.
      var last = n - 1
      while last >= 0, b[last] != 10 { last -= 1 }
      if last < 0 { return (-1, quotes, 0) }
      return (last, quotes, LineCount.newlines(b, from: 0, to: last + 1))
    }
    var q = quotes
    var last = -1
    var qAtLast = quotes
    var nl = 0
    var nlAtLast = 0
    var i = 0
    while i < n {
      let c = b[i]
      if c == 10 {
        nl += 1
        if q & 1 == 0 {
          last = i
          qAtLast = q
          nlAtLast = nl
        }
      } else if c == 34 {
        q += 1
      }
      i += 1
    }
    if eof { return (n - 1, q, nl) }
    return (last, qAtLast, nlAtLast)
  }
}
