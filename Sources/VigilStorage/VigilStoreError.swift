import VigilBase

/// An error from Vigil's store, saying what happened and what to do about it.
///
/// Descriptions name the database path and never contain secrets. Compare ``kind`` to tell cases apart:
///
/// ```swift
/// catch let error as VigilStoreError where error.kind == .notWritable { … }
/// ```
public struct VigilStoreError: Error, CustomStringConvertible, Sendable {
    /// The broad category of a ``VigilStoreError``.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case notWritable
            case corrupt
            case openFailed
            case newerSchema
            case invalidStoredValue
        }

        private let code: Code

        private init(_ code: Code) {
            self.code = code
        }

        /// The data directory or the database file cannot be created or written.
        public static let notWritable = Kind(.notWritable)
        /// The database file is damaged or is not a SQLite database.
        public static let corrupt = Kind(.corrupt)
        /// The database could not be opened or migrated for another reason.
        public static let openFailed = Kind(.openFailed)
        /// The database was migrated by a newer Vigil than this one.
        public static let newerSchema = Kind(.newerSchema)
        /// A stored row holds a value this version cannot read (edited by hand, or written by a newer Vigil).
        public static let invalidStoredValue = Kind(.invalidStoredValue)

        /// A short name for logs.
        public var description: String {
            switch code {
            case .notWritable: "notWritable"
            case .corrupt: "corrupt"
            case .openFailed: "openFailed"
            case .newerSchema: "newerSchema"
            case .invalidStoredValue: "invalidStoredValue"
            }
        }
    }

    /// The category of the failure.
    public let kind: Kind
    /// The database file or data directory concerned, when known.
    public let path: String?
    /// What went wrong and what to do, for logs and operators.
    public let description: String
    /// The error that caused this one (a GRDB `DatabaseError`, a file system error), if any.
    public let underlyingError: (any Error)?

    private init(kind: Kind, path: String?, description: String, underlyingError: (any Error)?) {
        self.kind = kind
        self.path = path
        self.description = description
        self.underlyingError = underlyingError
    }

    /// The data directory cannot be created or written.
    static func directoryNotWritable(_ directory: String, reason: String, underlyingError: (any Error)? = nil) -> Self {
        Self(
            kind: .notWritable,
            path: directory,
            description: "Vigil's data directory '\(directory)' is not usable: \(reason). Create it and give the "
                + "user running Vigil write access (for example `install -d -m 0700 -o vigil \(directory)`), "
                + "or configure another data directory.",
            underlyingError: underlyingError
        )
    }

    /// The database file exists but cannot be written.
    static func fileNotWritable(_ path: String, underlyingError: (any Error)? = nil) -> Self {
        Self(
            kind: .notWritable,
            path: path,
            description: "The database file '\(path)' is read-only for the user running Vigil. Give that user "
                + "write access to the file and to its directory (SQLite also writes '\(path)-wal' and "
                + "'\(path)-shm' next to it).",
            underlyingError: underlyingError
        )
    }

    /// The database file is damaged or not a SQLite database.
    static func corrupt(_ path: String, underlyingError: (any Error)?) -> Self {
        Self(
            kind: .corrupt,
            path: path,
            description: "The database file '\(path)' is corrupt or is not a SQLite database. Stop Vigil, move "
                + "the file (and any '\(path)-wal' and '\(path)-shm') aside, and start Vigil again to create a "
                + "fresh one; the event dedupe state and incident history in the old file are then lost. Keep "
                + "the moved file for inspection with `sqlite3 <file> 'PRAGMA integrity_check'`.",
            underlyingError: underlyingError
        )
    }

    /// The database could not be opened or migrated.
    static func openFailed(_ path: String, reason: String, underlyingError: (any Error)?) -> Self {
        Self(
            kind: .openFailed,
            path: path,
            description: "Could not open the database '\(path)': \(reason). Check that the disk is not full, "
                + "that the file and its directory are writable, and that no other program holds it locked.",
            underlyingError: underlyingError
        )
    }

    /// The database has migrations this version does not know.
    static func newerSchema(_ path: String, unknownMigrations: [String]) -> Self {
        Self(
            kind: .newerSchema,
            path: path,
            description: "The database '\(path)' was upgraded by a newer Vigil (unknown migrations: "
                + "\(unknownMigrations.joined(separator: ", "))). Run that newer version, or restore a backup "
                + "taken before the upgrade.",
            underlyingError: nil
        )
    }

    /// A stored row holds an unreadable value.
    /// - Parameter value: The offending value when it is a short enumeration code, `nil` for free-form content
    ///   (which is never echoed, as it may hold anything an alert carried).
    static func invalidStoredValue(table: String, column: String, value: String?) -> Self {
        let shown = value.map { " '\($0.prefix(40))'" } ?? ""
        return Self(
            kind: .invalidStoredValue,
            path: nil,
            description: "A stored row in table '\(table)' has an unreadable \(column)\(shown). The "
                + "database was edited by hand or written by a newer Vigil; fix or delete that row.",
            underlyingError: nil
        )
    }
}
