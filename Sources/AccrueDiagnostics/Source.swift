#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Identifies one source file within a `SourceMap`.
public struct FileID: Hashable, Sendable, Comparable {
  /// Index into `SourceMap.files`.
  public let index: Int32
  /// Wraps an index.
  public init(_ index: Int32) { self.index = index }
  /// Orders by index (load order).
  public static func < (a: FileID, b: FileID) -> Bool { a.index < b.index }
}

/// A byte range in one source file: `start..<end` as UTF-8 byte offsets.
public struct Span: Hashable, Sendable {
  /// The file the range belongs to.
  public var file: FileID
  /// First byte offset.
  public var start: Int32
  /// One past the last byte offset.
  public var end: Int32
  /// Creates a span.
  public init(file: FileID, start: Int32, end: Int32) {
    self.file = file
    self.start = start
    self.end = max(start, end)
  }
  /// The smallest span covering both (same file assumed).
  public func to(_ other: Span) -> Span {
    Span(file: file, start: min(start, other.start), end: max(end, other.end))
  }
  /// An empty span at this span's start.
  public var startPoint: Span { Span(file: file, start: start, end: start) }
  /// An empty span at this span's end.
  public var endPoint: Span { Span(file: file, start: end, end: end) }
  /// Length in bytes.
  public var length: Int { Int(end - start) }
}

/// A 1-based line and column (column counts Unicode scalars, so `€` is one column).
public struct SourceLocation: Hashable, Sendable, Comparable {
  /// 1-based line number.
  public var line: Int
  /// 1-based column number.
  public var column: Int
  /// Creates a location.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
  /// Orders by line, then column.
  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.line, a.column) < (b.line, b.column)
  }
}

/// One immutable source file: its display path, bytes and line table.
public final class SourceFile: Sendable {
  /// The file's identity in its `SourceMap`.
  public let id: FileID
  /// The path as shown to users (relative to where the user pointed us).
  public let path: String
  /// The raw bytes (UTF-8 expected; invalid sequences are diagnosed by the lexer).
  public let bytes: [UInt8]
  /// Byte offset of the start of each line.
  public let lineStarts: [Int32]

  /// Creates a file and computes its line table.
  public init(id: FileID, path: String, bytes: [UInt8]) {
    self.id = id
    self.path = path
    self.bytes = bytes
    var starts: [Int32] = [0]
    starts.reserveCapacity(bytes.count / 32 + 1)
    bytes.withUnsafeBufferPointer { buf in
      // memchr reads many bytes at a time: a large file's line table costs a fraction of a byte-by-byte loop.
      guard let base = buf.baseAddress else { return }
      var i = 0
      while i < buf.count, let p = memchr(base + i, 10, buf.count - i) {
        i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p)) + 1
        starts.append(Int32(i))
      }
    }
    self.lineStarts = starts
  }

  /// The 0-based line index containing `offset` (binary search).
  public func lineIndex(of offset: Int32) -> Int {
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    return lo
  }

  /// Line and column of a byte offset.
  public func location(of offset: Int32) -> SourceLocation {
    let clamped = min(max(0, offset), Int32(bytes.count))
    let li = lineIndex(of: clamped)
    var column = 1
    var i = Int(lineStarts[li])
    while i < Int(clamped) {
      // Count every byte that does not continue a multi-byte sequence.
      if bytes[i] & 0xC0 != 0x80 { column += 1 }
      i += 1
    }
    return SourceLocation(line: li + 1, column: column)
  }

  /// The text of a 1-based line without its line terminator (invalid UTF-8 shown as U+FFFD).
  public func lineText(_ line: Int) -> String {
    guard line >= 1, line <= lineStarts.count else { return "" }
    let start = Int(lineStarts[line - 1])
    var end = line < lineStarts.count ? Int(lineStarts[line]) : bytes.count
    while end > start, bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// The source text covered by a span.
  public func text(_ span: Span) -> String {
    let s = min(max(0, Int(span.start)), bytes.count)
    let e = min(max(s, Int(span.end)), bytes.count)
    return String(decoding: bytes[s..<e], as: UTF8.self)
  }

  /// Number of lines as an editor counts them (a final line end does not start another line).
  public var lineCount: Int { bytes.last == 10 ? lineStarts.count - 1 : lineStarts.count }
}

/// The files of one run, addressed by `FileID`.
public struct SourceMap: Sendable {
  /// All files in load order.
  public private(set) var files: [SourceFile] = []
  /// Creates an empty map.
  public init() {}
  /// Adds a file and returns it.
  @discardableResult
  public mutating func add(path: String, bytes: [UInt8]) -> SourceFile {
    let file = SourceFile(id: FileID(Int32(files.count)), path: path, bytes: bytes)
    files.append(file)
    return file
  }
  /// The file with this id.
  public subscript(id: FileID) -> SourceFile { files[Int(id.index)] }
  /// Resolves a span to its file, start and end locations.
  public func resolve(_ span: Span) -> (file: SourceFile, start: SourceLocation, end: SourceLocation) {
    let f = self[span.file]
    return (f, f.location(of: span.start), f.location(of: span.end))
  }
}
