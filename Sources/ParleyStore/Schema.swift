/// The canonical SQL of `Schema/`, embedded in the binary at build time by
/// the EmbedSchema plugin: one migration per file, in file-name order.
public enum Schema {
    /// One numbered SQL file of `Schema/`.
    public struct File: Sendable {
        /// File name, e.g. `001_events.sql`.
        public let name: String
        /// The file's exact bytes.
        public let bytes: [UInt8]

        /// The migration identifier: the file name without `.sql`.
        public var identifier: String {
            name.hasSuffix(".sql") ? String(name.dropLast(4)) : name
        }

        public var sql: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Every schema file, in order.
    public static let files: [File] = embeddedSchemaFiles.map { File(name: $0.name, bytes: $0.bytes) }

    /// The schema version this build writes: the number of migrations.
    public static var version: Int { files.count }

    /// `PRAGMA application_id` of a Parley database: "PRLY".
    public static let applicationID: Int32 = 0x5052_4C59
}
