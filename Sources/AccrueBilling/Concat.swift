extension String {
  /// The pieces joined, written once into a string of their total length. Interpolation and `+` grow a string
  /// piece by piece (a tenth of an invoice's time went there: its key and each line's description); this is the
  /// same text (`ConcatTests`). Up to seven pieces, as parameters: a variadic list allocated an array per call
  /// (~500 instructions, a fifth of the call).
  static func concat(
    _ a: String = "", _ b: String = "", _ c: String = "", _ d: String = "", _ e: String = "", _ f: String = "",
    _ g: String = ""
  ) -> String {
    let n = a.utf8.count + b.utf8.count + c.utf8.count + d.utf8.count + e.utf8.count + f.utf8.count + g.utf8.count
    return String(unsafeUninitializedCapacity: n) { buf in
      guard let out = buf.baseAddress else { return 0 }
      var i = 0
      write(a, out, &i)
      write(b, out, &i)
      write(c, out, &i)
      write(d, out, &i)
      write(e, out, &i)
      write(f, out, &i)
      write(g, out, &i)
      return i
    }
  }

  /// `p`'s bytes at `out + i`, `i` moved past them.
  @inline(__always) private static func write(_ p: String, _ out: UnsafeMutablePointer<UInt8>, _ i: inout Int) {
    var p = p
    p.withUTF8 { b in
      guard let base = b.baseAddress, !b.isEmpty else { return }
      (out + i).initialize(from: base, count: b.count)
      i += b.count
    }
  }
}
