import Foundation
import Testing

@testable import AccrueEngine

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

  @Test("the second thread takes chunks too")
  func bothWork() {
    var threads = Set<Int>()
    let started = DispatchSemaphore(value: 0)
    TwoThreads.chunks(
      8,
      { thread, k in
        // This thread's first chunk waits (at most 10 s) until the other has taken one.
        if thread == 1 { started.signal() } else if k == 0 { _ = started.wait(timeout: .now() + 10) }
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
