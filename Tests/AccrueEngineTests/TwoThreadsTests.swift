@testable import AccrueParallel
import Foundation
import Testing

@Suite("Work shared by two threads")
struct TwoThreadsTests {
  @Test("chunks come back in order, each once, however uneven their work", arguments: [0, 1, 2, 3, 64, 257])
  func inOrder(count: Int) {
    var seen: [Int] = []
    TwoThreads.chunks(
      count,
      { thread, k in
        // Uneven work: every seventh chunk is slow, so the threads finish chunks out of order.
        if k % 7 == 0 { usleep(2_000) }
        return (k, thread)
      },
      inOrder: { (r: inout (Int, Int)) in seen.append(r.0) })
    #expect(seen == Array(0..<count))
  }

  @Test("both threads take chunks")
  func bothWork() {
    var threads = Set<Int>()
    // Each thread's first chunk waits (at most 10 s) until the other has begun one: however the threads are
    // scheduled, neither can take every chunk alone.
    let started = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    let firsts = FirstChunks()
    TwoThreads.chunks(
      8,
      { thread, _ in
        if firsts.isFirst(thread) {
          started[thread].signal()
          _ = started[1 - thread].wait(timeout: .now() + 10)
        }
        return thread
      }, inOrder: { (t: inout Int) in threads.insert(t) })
    #expect(threads == [0, 1])
  }

  @Test("map gives f over 0..<n in order, on one thread or two", arguments: [0, 1, 5, 63, 64, 65, 1_000])
  func map(n: Int) {
    #expect(TwoThreads.map(n, from: 1) { $0 * $0 } == (0..<n).map { $0 * $0 })
    #expect(TwoThreads.map(n, from: .max) { $0 + 1 } == (0..<n).map { $0 + 1 })
  }
}

/// Whether a thread is taking its first chunk (each thread asks from its own chunks only).
final class FirstChunks: @unchecked Sendable {
  private let lock = NSLock()
  private var seen = [false, false]
  func isFirst(_ thread: Int) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    if seen[thread] { return false }
    seen[thread] = true
    return true
  }
}
