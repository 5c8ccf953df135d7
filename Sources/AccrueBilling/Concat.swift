extension String {
  /// The pieces joined, written once into a string of their total length. Interpolation and `+` grow a string
  /// piece by piece (a tenth of an invoice's time went there: its key and each line's description); this is the
  /// same text (`ConcatTests`).
  static func concat(_ pieces: String...) -> String {
    var n = 0
    for p in pieces { n += p.utf8.count }
    return String(unsafeUninitializedCapacity: n) { out in
      var i = 0
      for var p in pieces {
        p.withUTF8 { b in
          guard let base = b.baseAddress, !b.isEmpty else { return }
          (out.baseAddress! + i).initialize(from: base, count: b.count)
          i += b.count
        }
      }
      return i
    }
  }
}
