import AccrueRender
import Foundation

/// An LSP position: a 0-based line and a character counted in UTF-16 code units (the protocol's default encoding).
public struct Position: Sendable, Hashable, Comparable {
  public var line: Int
  public var character: Int
  public init(line: Int, character: Int) {
    self.line = line
    self.character = character
  }
  public static func < (a: Position, b: Position) -> Bool { (a.line, a.character) < (b.line, b.character) }

  public var json: JSON { .object([("line", .int(line)), ("character", .int(character))]) }

  public init?(_ j: JSON?) {
    guard let j, let l = j["line"]?.int, let c = j["character"]?.int, l >= 0, c >= 0 else { return nil }
    self.init(line: l, character: c)
  }
}

/// An LSP range.
public struct LSPRange: Sendable, Hashable {
  public var start: Position
  public var end: Position
  public init(_ start: Position, _ end: Position) {
    self.start = start
    self.end = end
  }
  public var json: JSON { .object([("start", start.json), ("end", end.json)]) }
  public init?(_ j: JSON?) {
    guard let j, let s = Position(j["start"]), let e = Position(j["end"]) else { return nil }
    self.init(s, e)
  }
}

/// Converts between UTF-8 byte offsets (the compiler's positions) and LSP positions (line, UTF-16 unit) over one
/// text. A character past the end of its line means the line's end; a line past the last means the text's end.
public struct LineMap: Sendable {
  public let bytes: [UInt8]
  /// Byte offset of the start of each line.
  public let lineStarts: [Int32]

  public init(bytes: [UInt8], lineStarts: [Int32]) {
    self.bytes = bytes
    self.lineStarts = lineStarts
  }

  public init(bytes: [UInt8]) {
    var starts: [Int32] = [0]
    for (i, b) in bytes.enumerated() where b == 10 { starts.append(Int32(i + 1)) }
    self.init(bytes: bytes, lineStarts: starts)
  }

  /// Where a line's text ends (before its CR LF or LF).
  func lineEnd(_ line: Int) -> Int {
    var end = line + 1 < lineStarts.count ? Int(lineStarts[line + 1]) : bytes.count
    if end > Int(lineStarts[line]), end <= bytes.count, end > 0, bytes[end - 1] == 10 { end -= 1 }
    if end > Int(lineStarts[line]), end <= bytes.count, end > 0, bytes[end - 1] == 13 { end -= 1 }
    return end
  }

  /// The byte offset of a position (clamped to the text).
  public func offset(of p: Position) -> Int {
    guard p.line < lineStarts.count else { return bytes.count }
    var i = Int(lineStarts[p.line])
    let end = lineEnd(p.line)
    var units = 0
    while i < end && units < p.character {
      let (len, u) = Self.scalar(bytes, i, end)
      if units + u > p.character { break }  // inside a surrogate pair: stay before it
      units += u
      i += len
    }
    return i
  }

  /// The position of a byte offset (clamped to the text).
  public func position(of offset: Int) -> Position {
    let o = min(max(0, offset), bytes.count)
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if Int(lineStarts[mid]) <= o { lo = mid } else { hi = mid - 1 }
    }
    var i = Int(lineStarts[lo])
    var units = 0
    while i < o {
      let (len, u) = Self.scalar(bytes, i, bytes.count)
      units += u
      i += len
    }
    return Position(line: lo, character: units)
  }

  public func range(_ start: Int, _ end: Int) -> LSPRange { LSPRange(position(of: start), position(of: end)) }

  /// The length in bytes and in UTF-16 units of the scalar at `i` (an invalid byte is one of each).
  static func scalar(_ b: [UInt8], _ i: Int, _ end: Int) -> (Int, Int) {
    let x = b[i]
    let len: Int
    switch x {
    case 0..<0x80: return (1, 1)
    case 0xC2..<0xE0: len = 2
    case 0xE0..<0xF0: len = 3
    case 0xF0..<0xF5: len = 4
    default: return (1, 1)
    }
    guard i + len <= end else { return (1, 1) }
    for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return (1, 1) }
    return (len, len == 4 ? 2 : 1)
  }
}

/// An open document: its text as the client has it, and its version.
public struct TextDocument: Sendable {
  public let uri: String
  /// The file path the URI names (file URIs), or the URI itself.
  public let path: String
  public var version: Int
  public private(set) var map: LineMap
  public var bytes: [UInt8] { map.bytes }
  public var text: String { String(decoding: map.bytes, as: UTF8.self) }

  public init(uri: String, version: Int, text: String, path: String? = nil) {
    self.uri = uri
    self.path = path ?? URIs.path(uri)
    self.version = version
    self.map = LineMap(bytes: Array(text.utf8))
  }

  /// Applies one content change: a range replaced (incremental sync) or, without a range, the whole text.
  public mutating func apply(range: LSPRange?, text: String) {
    guard let r = range else {
      map = LineMap(bytes: Array(text.utf8))
      return
    }
    var s = map.offset(of: r.start)
    var e = map.offset(of: r.end)
    if e < s { swap(&s, &e) }
    var b = map.bytes
    map = LineMap(bytes: [])  // one owner of the bytes while they change (no copy)
    b.replaceSubrange(s..<e, with: Array(text.utf8))
    map = LineMap(bytes: b)
  }
}

/// File URIs and paths.
public enum URIs {
  /// The path of a `file://` URI (percent-decoded); any other URI is returned as it is.
  public static func path(_ uri: String) -> String {
    guard uri.hasPrefix("file://") else { return uri }
    var rest = String(uri.dropFirst(7))
    if !rest.hasPrefix("/"), let slash = rest.firstIndex(of: "/") { rest = String(rest[slash...]) }  // file://host/path
    return rest.removingPercentEncoding ?? rest
  }

  /// The `file://` URI of a path (absolute, percent-encoded as VS Code writes them).
  public static func uri(_ path: String) -> String {
    if path.contains("://") || path.hasPrefix("untitled:") { return path }
    let abs = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "/-._~")
    return "file://" + (abs.addingPercentEncoding(withAllowedCharacters: allowed) ?? abs)
  }
}
