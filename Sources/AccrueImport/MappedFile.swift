#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A whole file's bytes, mapped into memory read-only (its pages are the page cache's: nothing is copied, and
/// nothing is zeroed first, as reading into fresh memory would). Where mapping fails (a file system that cannot
/// map) the file is read instead. An empty file, or one that is not a regular file with a size (a pipe, a
/// device, a /proc file), gives nil, for the caller to read as a stream. The bytes stay valid while the value
/// lives.
///
/// A data file must not be shortened while a run reads it: a mapped page past the new end cannot be read.
public final class MappedFile: @unchecked Sendable {
  /// The file's bytes.
  public let bytes: UnsafeBufferPointer<UInt8>
  private let mapped: Bool

  /// The file at `path`, or nil when it cannot be opened or read.
  public init?(path: String) {
    // Regular files only, found before opening: a pipe, a device or a /proc file gives no size up front, and a
    // pipe must be opened once only, by the caller that reads it as a stream.
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    // (A size of 0 is not trusted either: /proc files report it whatever they hold. An empty file is nil too.)
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
    let size = Int(st.st_size)
    #if os(Linux)
      let flags = MAP_PRIVATE | MAP_POPULATE
    #else
      let flags = MAP_PRIVATE
    #endif
    if let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED {
      bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: size)
      mapped = true
      return
    }
    // Read instead.
    let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    var done = 0
    while done < size {
      let n = read(fd, buf + done, size - done)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      done += n
    }
    guard done == size else {
      buf.deallocate()
      return nil
    }
    bytes = UnsafeBufferPointer(start: buf, count: size)
    mapped = false
  }

  deinit {
    guard let base = bytes.baseAddress else { return }
    if mapped {
      munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    } else {
      base.deallocate()
    }
  }

  public var count: Int { bytes.count }
}

/// A window of a file's bytes, [offset, offset + count), mapped read-only (read instead where mapping fails);
/// unmapped when the last reference goes. Used to hand pieces of a large file to workers without copying them.
public final class MappedWindow: @unchecked Sendable {
  /// The window's bytes (empty when the file could not be read).
  public let bytes: UnsafeBufferPointer<UInt8>
  private let mapping: UnsafeMutableRawPointer?
  private let mappedCount: Int

  /// The bytes of the open file `fd` from `offset` (any offset: the mapping starts on the page before it).
  public init(fd: Int32, offset: Int, count: Int) {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = offset - offset % page
    #if os(Linux)
      let flags = MAP_PRIVATE | MAP_POPULATE
    #else
      let flags = MAP_PRIVATE
    #endif
    if count > 0, let p = mmap(nil, count + offset - start, PROT_READ, flags, fd, off_t(start)), p != MAP_FAILED {
      mapping = p
      mappedCount = count + offset - start
      bytes = UnsafeBufferPointer(start: (p + (offset - start)).assumingMemoryBound(to: UInt8.self), count: count)
      return
    }
    mapping = nil
    mappedCount = 0
    let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
    var done = 0
    while done < count {
      let n = pread(fd, buf + done, count - done, off_t(offset + done))
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      done += n
    }
    bytes = UnsafeBufferPointer(start: buf, count: done)
  }

  deinit {
    if let mapping {
      munmap(mapping, mappedCount)
    } else {
      bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0).deallocate() }
    }
  }
}
