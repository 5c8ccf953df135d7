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

/// A piece of the usage CSV for a worker: the header line, then whole records (`lineOffset`: added to the line
/// numbers of its rows, so they are the file's).
struct UsageChunk {
  var index: Int
  var bytes: [UInt8]
  var lineOffset: Int
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
    let shared = UsageShared(plan, data, file, byContract)
    let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    guard file.format == .csv, size >= parallelUsageThreshold || chunkBytes != nil, let handle = FileHandle(forReadingAtPath: file.path) else {
      return aggregateInOneThread(shared, data, file, &accs, env, progress)
    }
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
    var w = UsageWorker(shared, accs, env)
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
        if first, let nl = chunk.bytes.firstIndex(of: 10) {
          // Every chunk starts with the header line.
          layout = UsageFastLayout(headerLine: chunk.bytes[...nl], shared: shared)
          first = false
        }
        var local: [DataIssue] = []
        w.runChunk(chunk.bytes, index: chunk.index, lineOffset: chunk.lineOffset, layout: layout, schema: schema) {
          local.append($0)
        }
        chunkIssues.set(chunk.index, local)
      }
      result.value = UsageWorkerResult(accs: w.finished(), failures: w.failures, rows: (w.seen, w.fastSeen))
      done.signal()
    }
    t.stackSize = 8 << 20
    t.start()
  }

  /// Cuts the file at record boundaries into chunks for the workers: a newline outside quotes (an even number of
  /// quotes before it). Each block is read straight into the array that becomes the chunk: [header] + carry +
  /// new bytes.
  static func cutUsageFile(_ fd: Int32, block: Int, _ queue: ChunkQueue<UsageChunk>, size: Int, _ progress: Progress?) {
    var header: [UInt8] = []
    var carry: [UInt8] = []
    var index = 0
    var linesBefore = 0
    var quotes = 0  // quotes before the start of `carry`
    var eof = false
    var read = 0
    while !eof {
      let prefix = index == 0 ? 0 : header.count
      var buf: [UInt8] = []
      buf.reserveCapacity(prefix + carry.count + block)
      if index > 0 { buf.append(contentsOf: header) }
      buf.append(contentsOf: carry)
      let got = readBlock(fd, into: &buf, block)
      if got == 0 { eof = true }
      read += got
      // Megabytes of the file handed to the workers (they are at most two chunks behind).
      progress?("usage MB", read >> 20, size >> 20)
      if index == 0, header.isEmpty, let nl = buf.firstIndex(of: 10) {
        header = Array(buf[...nl])
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header.removeFirst(3) }
      }
      let (cut, quotesAtCut, newlines) = recordCut(buf, from: prefix, quotes: quotes, eof: eof)
      guard cut >= prefix else {
        carry = Array(buf[prefix...])
        continue
      }
      carry = eof ? [] : Array(buf[(cut + 1)...])
      buf.removeLast(buf.count - cut - 1)
      if buf.count > prefix {
        queue.put(UsageChunk(index: index, bytes: buf, lineOffset: index == 0 ? 0 : linesBefore - 1))
        index += 1
      }
      linesBefore += newlines
      quotes = quotesAtCut
    }
  }

  /// Reads up to `block` bytes of the file onto the end of `buf`; returns how many it read (0 at the end).
  static func readBlock(_ fd: Int32, into buf: inout [UInt8], _ block: Int) -> Int {
    let base = buf.count
    buf.append(contentsOf: repeatElement(0, count: block))
    let got = buf.withUnsafeMutableBufferPointer { p -> Int in
      var total = 0
      while total < block {
        let n = read(fd, p.baseAddress! + base + total, block - total)
        if n <= 0 { break }
        total += n
      }
      return total
    }
    buf.removeLast(block - got)
    return got
  }

  /// Where to cut `buf` after its first `prefix` bytes: the last newline outside quotes (at the end of the file,
  /// the last byte), with the quotes before it and the newlines up to it; -1 when there is none.
  static func recordCut(_ buf: [UInt8], from prefix: Int, quotes: Int, eof: Bool) -> (cut: Int, quotes: Int, newlines: Int) {
    buf.withUnsafeBufferPointer { b -> (Int, Int, Int) in
      let n = b.count
      // Usual case: no quote in the new bytes, so every newline is a boundary: the last one (memrchr),
      // and the newlines before it counted eight bytes at a time.
      if n > prefix, memchr(b.baseAddress! + prefix, 34, n - prefix) == nil {
        if eof { return (n - 1, quotes, LineCount.newlines(b, from: prefix, to: n)) }
        // The last newline is within one record of the end.
        var last = n - 1
        while last >= prefix, b[last] != 10 { last -= 1 }
        if last < prefix { return (-1, quotes, 0) }
        return (last, quotes, LineCount.newlines(b, from: prefix, to: last + 1))
      }
      var q = quotes
      var last = -1
      var qAtLast = quotes
      var nl = 0
      var nlAtLast = 0
      var i = prefix
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
}
