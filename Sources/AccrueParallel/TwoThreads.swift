import Foundation

/// Work shared by this thread and one more. The work is cut into chunks and each thread takes the next chunk
/// nobody has taken yet, so neither waits long for the other however uneven the chunks turn out; results come
/// back in chunk order, exactly as one thread doing all chunks in order would give them.
public enum TwoThreads {
  /// Runs `work(thread, chunk)` for every chunk in `0..<count`, `thread` being 0 (this one) or 1 (the other), and
  /// hands each result to `inOrder`, on this thread and in chunk order, as soon as all chunks before it are done
  /// (`inout`: nothing else holds it, so `inOrder` may take its parts without copying them). `work` must not share
  /// mutable state between the two threads (give each thread its own, by `thread`).
  public static func chunks<T: Sendable>(
    _ count: Int, _ work: @escaping @Sendable (_ thread: Int, _ chunk: Int) -> T, inOrder: (inout T) -> Void
  ) {
    guard count >= 2 else {
      for k in 0..<count {
        var r = work(0, k)
        inOrder(&r)
      }
      return
    }
    StartedChunks(count, work).finish(inOrder: inOrder)
  }

  /// Frees `value` on another thread while `work` runs on this one; returns when both are done.
  package static func free<T>(_ value: consuming T, while work: () -> Void) {
    let held = Held(value)
    let done = DispatchSemaphore(value: 0)
    let t = Thread {
      held.value = nil
      done.signal()
    }
    t.start()
    work()
    done.wait()
  }

  /// `f(i)` for `i` in `0..<n`, in order; with at least `from` items, on two threads.
  public static func map<T: Sendable>(_ n: Int, from: Int, _ f: @escaping @Sendable (Int) -> T) -> [T] {
    guard n >= from, n >= 2 else { return (0..<n).map(f) }
    let parts = min(n, 64)
    var out: [T] = []
    out.reserveCapacity(n)
    chunks(parts, { _, k in (n * k / parts..<n * (k + 1) / parts).map(f) }, inOrder: { out += $0 })
    return out
  }
}

/// Chunks begun on another thread, which this one joins later (`finish`): meanwhile it does work of its own.
/// The other thread may first wait for what its work needs (`first`).
package final class StartedChunks<T: Sendable>: @unchecked Sendable {
  private let queue: TakeQueue<T>
  private let done = DispatchSemaphore(value: 0)
  private let count: Int
  private let work: @Sendable (_ thread: Int, _ chunk: Int) -> T

  package init(_ count: Int, first: @escaping @Sendable () -> Void = {}, _ work: @escaping @Sendable (_ thread: Int, _ chunk: Int) -> T) {
    self.count = count
    self.work = work
    let queue = TakeQueue<T>(count)
    self.queue = queue
    let done = done
    let t = Thread {
      first()
      while let k = queue.take() { queue.finish(k, work(1, k)) }
      done.signal()
    }
    t.stackSize = 8 << 20
    t.start()
  }

  /// Takes the chunks not begun yet on this thread (`thread` 0) and hands every result to `inOrder` in chunk
  /// order (as `TwoThreads.chunks`); returns when all are done. Call once.
  package func finish(inOrder: (inout T) -> Void) {
    var next = 0
    while let k = queue.take() {
      queue.finish(k, work(0, k))
      while var r = queue.result(next) {
        inOrder(&r)
        next += 1
      }
    }
    done.wait()
    while next < count, var r = queue.result(next) {
      inOrder(&r)
      next += 1
    }
  }
}

/// A value handed to another thread, which drops it.
private final class Held<T>: @unchecked Sendable {
  package var value: T?
  package init(_ value: consuming T) { self.value = value }
}

/// The next chunk to take and the results not handed on yet, under one lock (taken once per chunk).
package final class TakeQueue<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var next = 0
  private var results: [T?]

  package init(_ count: Int) { results = Array(repeating: nil, count: count) }

  package func take() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < results.count else { return nil }
    next += 1
    return next - 1
  }

  package func finish(_ k: Int, _ r: T) {
    lock.lock()
    results[k] = r
    lock.unlock()
  }

  /// Chunk k's result when it is done (and forgets it).
  package func result(_ k: Int) -> T? {
    lock.lock()
    defer { lock.unlock() }
    guard k < results.count, let r = results[k] else { return nil }
    results[k] = nil
    return r
  }
}
