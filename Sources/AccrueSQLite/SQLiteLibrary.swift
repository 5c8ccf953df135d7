#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's SQLite library, loaded when first used (`dlopen`): the build needs no SQLite headers, only the
/// runtime library every Swift installation on Linux already has (`libsqlite3.so.0`, which Foundation's own
/// dependencies pull in) and every macOS has (`libsqlite3.dylib`).
struct SQLiteLibrary: @unchecked Sendable {
  typealias Handle = OpaquePointer
  let open: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Handle?>?, Int32, UnsafePointer<CChar>?) -> Int32
  let close: @convention(c) (Handle?) -> Int32
  let errmsg: @convention(c) (Handle?) -> UnsafePointer<CChar>?
  let extendedErrcode: @convention(c) (Handle?) -> Int32
  let exec:
    @convention(c) (Handle?, UnsafePointer<CChar>?, OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
      -> Int32
  let free: @convention(c) (UnsafeMutableRawPointer?) -> Void
  let busyTimeout: @convention(c) (Handle?, Int32) -> Int32
  let prepare: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<Handle?>?, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32
  let step: @convention(c) (Handle?) -> Int32
  let reset: @convention(c) (Handle?) -> Int32
  let clearBindings: @convention(c) (Handle?) -> Int32
  let finalize: @convention(c) (Handle?) -> Int32
  let bindInt64: @convention(c) (Handle?, Int32, Int64) -> Int32
  /// The last argument is the destructor; -1 is SQLITE_TRANSIENT (SQLite copies the bytes before returning).
  let bindText: @convention(c) (Handle?, Int32, UnsafePointer<CChar>?, Int32, Int) -> Int32
  let bindBlob: @convention(c) (Handle?, Int32, UnsafeRawPointer?, Int32, Int) -> Int32
  let bindNull: @convention(c) (Handle?, Int32) -> Int32
  let columnCount: @convention(c) (Handle?) -> Int32
  let columnType: @convention(c) (Handle?, Int32) -> Int32
  let columnInt64: @convention(c) (Handle?, Int32) -> Int64
  let columnText: @convention(c) (Handle?, Int32) -> UnsafePointer<UInt8>?
  let columnBlob: @convention(c) (Handle?, Int32) -> UnsafeRawPointer?
  let columnBytes: @convention(c) (Handle?, Int32) -> Int32
  let columnName: @convention(c) (Handle?, Int32) -> UnsafePointer<CChar>?
  let changes: @convention(c) (Handle?) -> Int32
  let libversion: @convention(c) () -> UnsafePointer<CChar>?

  /// The names tried, in order.
  static let names: [String] = {
    #if canImport(Darwin)
    ["/usr/lib/libsqlite3.dylib", "libsqlite3.dylib"]
    #else
    ["libsqlite3.so.0", "libsqlite3.so"]
    #endif
  }()

  /// The library, or why it cannot be had (loaded once for the process).
  static let shared: Result<SQLiteLibrary, SQLiteError> = load(names)

  static func load(_ names: [String]) -> Result<SQLiteLibrary, SQLiteError> {
    guard let h = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
      let why = dlerror().map { String(cString: $0) } ?? "not found"
      return .failure(SQLiteError(code: -1, message: "the system's SQLite library cannot be loaded (tried \(names.joined(separator: ", "))): \(why)"))
    }
    return Result { () throws(SQLiteError) in try SQLiteLibrary(h) }
  }

  private init(_ h: UnsafeMutableRawPointer) throws(SQLiteError) {
    func sym<T>(_ name: String) throws(SQLiteError) -> T {
      guard let p = dlsym(h, name) else { throw SQLiteError(code: -1, message: "the system's SQLite library lacks \(name)") }
      return unsafeBitCast(p, to: T.self)
    }
    open = try sym("sqlite3_open_v2")
    close = try sym("sqlite3_close_v2")
    errmsg = try sym("sqlite3_errmsg")
    extendedErrcode = try sym("sqlite3_extended_errcode")
    exec = try sym("sqlite3_exec")
    free = try sym("sqlite3_free")
    busyTimeout = try sym("sqlite3_busy_timeout")
    prepare = try sym("sqlite3_prepare_v2")
    step = try sym("sqlite3_step")
    reset = try sym("sqlite3_reset")
    clearBindings = try sym("sqlite3_clear_bindings")
    finalize = try sym("sqlite3_finalize")
    bindInt64 = try sym("sqlite3_bind_int64")
    bindText = try sym("sqlite3_bind_text")
    bindBlob = try sym("sqlite3_bind_blob")
    bindNull = try sym("sqlite3_bind_null")
    columnCount = try sym("sqlite3_column_count")
    columnType = try sym("sqlite3_column_type")
    columnInt64 = try sym("sqlite3_column_int64")
    columnText = try sym("sqlite3_column_text")
    columnBlob = try sym("sqlite3_column_blob")
    columnBytes = try sym("sqlite3_column_bytes")
    columnName = try sym("sqlite3_column_name")
    changes = try sym("sqlite3_changes")
    libversion = try sym("sqlite3_libversion")
  }
}
