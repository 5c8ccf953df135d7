import Foundation

/// Chunks of work handed from one producer to worker threads, at most `capacity` waiting at a time so memory
/// stays flat: `put` waits while the queue is full; `take` waits while it is empty and returns nil once it is
/// closed and drained.
public final class ChunkQueue<T>: @unchecked Sendable {
  // Guarded by `condition`.
  private let condition = NSCondition()
  private var items: [T] = []
  private var closed = false
  private let capacity: Int

  public init(capacity: Int) { self.capacity = capacity }

  /// Adds a chunk, waiting while the queue is full.
  public func put(_ item: T) {
    condition.lock()
    while items.count >= capacity { condition.wait() }
    items.append(item)
    condition.broadcast()
    condition.unlock()
  }

  /// No more chunks: the workers finish what is queued, then `take` returns nil.
  public func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  /// The next chunk, waiting while none is queued; nil once the queue is closed and empty.
  public func take() -> T? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    if items.isEmpty { return nil }
    let item = items.removeFirst()
    condition.broadcast()
    return item
  }
}

/// Results filed by chunk number from several threads, read back in chunk order once they are done.
public final class ResultsByChunk<T>: @unchecked Sendable {
  // Guarded by `lock`.
  private let lock = NSLock()
  private var byChunk: [Int: T] = [:]

  public init() {}

  /// Files the result of chunk `i`.
  public func set(_ i: Int, _ value: T) {
    lock.lock()
    byChunk[i] = value
    lock.unlock()
  }

  /// The results in chunk order.
  public func inOrder() -> [T] {
    lock.lock()
    defer { lock.unlock() }
    return byChunk.keys.sorted().compactMap { byChunk[$0] }
  }
}

/// A value a thread hands back to the one that joins it (written once by that thread, read after the join).
public final class ThreadResult<T>: @unchecked Sendable {
  public var value: T?
  public init() {}
}
