import AccrueRender

/// Why a message's body is not JSON: where and what.
public struct JSONParseError: Error, Sendable, Equatable {
  public var offset: Int
  public var message: String
}

/// Reads one JSON document into `JSON` (numbers kept as written: an integer as `.int`, anything else as its
/// text, never through floating point). Nesting is capped so that no message can exhaust the stack.
public enum JSONParser {
  /// Deepest nesting of arrays and objects accepted.
  public static let maxDepth = 256

  public static func parse(_ bytes: [UInt8]) -> Result<JSON, JSONParseError> {
    var p = Cursor(bytes: bytes)
    do {
      p.skipSpace()
      let v = try p.value(depth: 0)
      p.skipSpace()
      guard p.i == bytes.count else { throw p.fail("unexpected text after the JSON value") }
      return .success(v)
    } catch let e as JSONParseError {
      return .failure(e)
    } catch {
      return .failure(JSONParseError(offset: 0, message: "\(error)"))
    }
  }

  public static func parse(_ text: String) -> Result<JSON, JSONParseError> { parse(Array(text.utf8)) }

  struct Cursor {
    let bytes: [UInt8]
    var i = 0

    func fail(_ m: String) -> JSONParseError { JSONParseError(offset: i, message: m) }

    mutating func skipSpace() {
      while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
    }

    mutating func literal(_ word: String, _ v: JSON) throws -> JSON {
      let w = Array(word.utf8)
      guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw fail("unknown word") }
      i += w.count
      return v
    }

    mutating func value(depth: Int) throws -> JSON {
      guard depth < JSONParser.maxDepth else { throw fail("nested more than \(JSONParser.maxDepth) levels") }
      guard i < bytes.count else { throw fail("unexpected end of the message") }
      switch bytes[i] {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
      default: throw fail("unexpected character")
      }
    }

    mutating func object(depth: Int) throws -> JSON {
      i += 1
      var fields: [(String, JSON)] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(fields)
      }
      while true {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
        let k = try string()
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        i += 1
        skipSpace()
        fields.append((k, try value(depth: depth + 1)))
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end of the message") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
        i += 1
        return .object(fields)
      }
    }

    mutating func array(depth: Int) throws -> JSON {
      i += 1
      var items: [JSON] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(items)
      }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end of the message") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        guard bytes[i] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
        i += 1
        return .array(items)
      }
    }

    mutating func number() throws -> JSON {
      let start = i
      if bytes[i] == UInt8(ascii: "-") { i += 1 }
      var digits = 0
      var integral = true
      while i < bytes.count {
        let b = bytes[i]
        if b >= 48 && b <= 57 {
          digits += 1
        } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+")
          || (b == UInt8(ascii: "-") && i > start)
        {
          integral = false
        } else {
          break
        }
        i += 1
      }
      guard digits > 0 else { throw fail("a number without digits") }
      let text = String(decoding: bytes[start..<i], as: UTF8.self)
      if integral, let n = Int(text) { return .int(n) }
      return .number(text)
    }

    mutating func hex4() throws -> UInt32 {
      guard i + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
      var v: UInt32 = 0
      for _ in 0..<4 {
        let b = bytes[i]
        let d: UInt32
        switch b {
        case 48...57: d = UInt32(b - 48)
        case 65...70: d = UInt32(b - 55)
        case 97...102: d = UInt32(b - 87)
        default: throw fail("a \\u escape needs four hex digits")
        }
        v = v * 16 + d
        i += 1
      }
      return v
    }

    mutating func string() throws -> String {
      i += 1
      var out: [UInt8] = []
      while true {
        guard i < bytes.count else { throw fail("a string without its closing quote") }
        let b = bytes[i]
        i += 1
        if b == UInt8(ascii: "\"") { break }
        if b < 0x20 { throw fail("a control character inside a string") }
        guard b == UInt8(ascii: "\\") else {
          out.append(b)
          continue
        }
        guard i < bytes.count else { throw fail("a string without its closing quote") }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if scalar >= 0xD800 && scalar < 0xDC00, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
            i += 2
            let low = try hex4()
            scalar = low >= 0xDC00 && low < 0xE000 ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
          }
          out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
        default: throw fail("an unknown escape in a string")
        }
      }
      return String(decoding: out, as: UTF8.self)
    }
  }
}

extension JSON {
  /// A field of an object (nil for anything else or a missing key).
  public subscript(_ key: String) -> JSON? {
    guard case .object(let fields) = self else { return nil }
    return fields.first { $0.0 == key }?.1
  }

  public var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var int: Int? {
    if case .int(let i) = self { return i }
    return nil
  }

  public var bool: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var array: [JSON]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}
