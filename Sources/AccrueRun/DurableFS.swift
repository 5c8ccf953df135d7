import AccrueCore
import AccrueLedger
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Durable file operations: write to a temporary file, fsync, rename; fsync the folder.
public enum DurableFS {
  /// Replaces `path` by a file of `bytes` as one step: written to `path.tmp`, forced to disk, renamed over
  /// `path`. A crash leaves the old file or the new one, never an empty or partial one (the state's id and the
  /// folders' marks are read on every apply). The caller syncs the folder.
  public static func replaceSynced(_ path: String, _ bytes: [UInt8]) throws(JournalError) {
    let tmp = path + ".tmp"
    try writeSynced(tmp, bytes)
    guard rename(tmp, path) == 0 else { throw JournalError(message: "cannot rename \(tmp): \(String(cString: strerror(errno)))") }
  }

  /// Writes what `body` hands its writer to `path`, a megabyte at a time, and forces it to disk (as
  /// `writeSynced(_:_:)`: for files in a folder that is renamed into place only when whole). A piece of 64 KB or
  /// more (the renderers hand chunks of about a megabyte) is written from its own bytes, not copied first.
  public static func writeSynced(_ path: String, _ body: ((String) -> Void) -> Void) throws(JournalError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw JournalError(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    var failure: JournalError?
    body { text in
      guard failure == nil else { return }
      let large = text.utf8.count >= 1 << 16
      if !large { buffer.append(contentsOf: text.utf8) }
      if large || buffer.count >= 1 << 20 {
        do throws(JournalError) {
          try writeAll(fd, buffer, path)
          if large {
            let e = text.withBytes { b -> JournalError? in
              do throws(JournalError) { try writeAll(fd, UnsafeRawBufferPointer(b), path) } catch { return error }
              return nil
            }
            if let e { throw e }
          }
        } catch { failure = error }
        buffer.removeAll(keepingCapacity: true)
      }
    }
    if let failure { throw failure }
    try writeAll(fd, buffer, path)
    guard fsync(fd) == 0 else { throw JournalError(message: "cannot sync \(path): \(String(cString: strerror(errno)))") }
  }

  /// Writes `bytes` to `path` and forces them to disk (a crash may leave it empty or partial: for files in a
  /// folder that is renamed into place only when whole).
  public static func writeSynced(_ path: String, _ bytes: [UInt8]) throws(JournalError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw JournalError(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    try writeAll(fd, bytes, path)
    guard fsync(fd) == 0 else { throw JournalError(message: "cannot sync \(path): \(String(cString: strerror(errno)))") }
  }

  static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(JournalError) {
    let e = bytes.withUnsafeBytes { p -> JournalError? in
      do throws(JournalError) { try writeAll(fd, p, path) } catch { return error }
      return nil
    }
    if let e { throw e }
  }

  static func writeAll(_ fd: Int32, _ p: UnsafeRawBufferPointer, _ path: String) throws(JournalError) {
    var done = 0
    while done < p.count {
      let n = write(fd, p.baseAddress! + done, p.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw JournalError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
      }
      done += n
    }
  }

  /// Forces a folder's entries (new names, renames) to disk.
  public static func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY)
    if fd >= 0 {
      _ = fsync(fd)
      close(fd)
    }
  }

  /// Appends to the journal after cutting it back to `validLength` (dropping a torn tail), then fsyncs.
  /// `fault` is called halfway through the write (crash tests stop the process there).
  public static func append(_ path: String, validLength: Int, _ bytes: [UInt8], fault: ((String) -> Void)? = nil) throws(JournalError) {
    let fd = open(path, O_WRONLY | O_CREAT, 0o644)
    guard fd >= 0 else { throw JournalError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard ftruncate(fd, off_t(validLength)) == 0, lseek(fd, off_t(validLength), SEEK_SET) >= 0 else {
      throw JournalError(message: "cannot prepare \(path): \(String(cString: strerror(errno)))")
    }
    let half = bytes.count / 2
    try writeAll(fd, Array(bytes[..<half]), path)
    if let fault {
      _ = fsync(fd)
      fault("journal-half-written")
    }
    try writeAll(fd, Array(bytes[half...]), path)
    guard fsync(fd) == 0 else { throw JournalError(message: "cannot sync \(path): \(String(cString: strerror(errno)))") }
  }
}

