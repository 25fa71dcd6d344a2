import Foundation
import GRDB
import Logging

/// The embedded ``VigilStore``: one SQLite file, `<directory>/vigil.sqlite`, accessed through GRDB.
///
/// Opening creates the directory (mode 0700) when missing, opens the file in WAL journal mode with a busy timeout
/// and foreign keys on, and applies the named schema migrations (`v1`, …) that have not run yet. Data therefore
/// survives restarts; the file, its `-wal` and `-shm` companions are the whole state.
///
/// A file-backed store uses a GRDB `DatabasePool`: one writer connection that serialises every write transaction
/// (which is what makes the dedupe gates and the incident state logic race-free), and reader connections that run
/// history queries concurrently with writes. All access goes through GRDB's `async` `read`/`write`, which run the
/// SQLite calls on GRDB's own queues and suspend the caller, so no cooperative thread blocks on disk.
///
/// SQL is kept close to the common subset of SQLite and PostgreSQL (`ON CONFLICT … DO NOTHING/UPDATE`, partial
/// indexes, `DOUBLE PRECISION` epoch seconds, no JSON functions); the SQLite-only parts are
/// `INTEGER PRIMARY KEY AUTOINCREMENT` and GRDB's migration bookkeeping.
public final class SQLiteVigilStore: VigilStore {
    /// The database file name inside the data directory.
    public static let fileName = "vigil.sqlite"

    /// How long a connection waits for a lock held by another process (the `sqlite3` shell, a backup) before
    /// failing with `SQLITE_BUSY`.
    public static let busyTimeout: Duration = .seconds(5)

    /// The database file, or `nil` for an in-memory store.
    public let path: String?

    /// The GRDB connection(s): a `DatabasePool` on disk, a `DatabaseQueue` in memory. Accessed only through its
    /// `async` `read`/`write`.
    let writer: any DatabaseWriter
    /// Receives open, migration and pruning events.
    let logger: Logger

    private init(writer: any DatabaseWriter, path: String?, logger: Logger) {
        self.writer = writer
        self.path = path
        self.logger = logger
    }

    /// Opens (creating if needed) the store in `directory`, and migrates it to the current schema.
    ///
    /// - Parameters:
    ///   - directory: The data directory; created with mode 0700 (and missing parents) if absent.
    ///   - logger: Receives open and migration events.
    /// - Throws: ``VigilStoreError`` with kind ``VigilStoreError/Kind/notWritable`` when the directory cannot be
    ///   created or written or the file is read-only, ``VigilStoreError/Kind/corrupt`` when the file is not a
    ///   readable SQLite database, ``VigilStoreError/Kind/newerSchema`` when a newer Vigil migrated it, and
    ///   ``VigilStoreError/Kind/openFailed`` otherwise. Each says what to do.
    public convenience init(directory: String, logger: Logger) async throws {
        let path = try Self.prepareDirectory(directory)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration())
        } catch {
            throw Self.translateOpenError(error, path: path)
        }
        self.init(writer: pool, path: path, logger: logger)
        try await migrate()
    }

    /// Opens a private in-memory store, migrated to the current schema, for tests and dry runs.
    ///
    /// Its content disappears with the value; it behaves like the file-backed store otherwise (one serialised
    /// writer, same schema and SQL).
    public static func inMemory(logger: Logger) async throws -> SQLiteVigilStore {
        let queue = try DatabaseQueue(configuration: configuration())
        let store = SQLiteVigilStore(writer: queue, path: nil, logger: logger)
        try await store.migrate()
        return store
    }

    // MARK: Opening

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "vigil.store"
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(Double(busyTimeout.components.seconds))
        return configuration
    }

    /// Creates the directory if needed and checks it can hold the database; returns the database path.
    private static func prepareDirectory(_ directory: String) throws -> String {
        let fileManager = FileManager.default
        var isDirectory: Bool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory else {
                throw VigilStoreError.directoryNotWritable(directory, reason: "it exists but is not a directory")
            }
        } else {
            do {
                try fileManager.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw VigilStoreError.directoryNotWritable(
                    directory,
                    reason: "it does not exist and could not be created",
                    underlyingError: error
                )
            }
        }
        guard fileManager.isWritableFile(atPath: directory) else {
            throw VigilStoreError.directoryNotWritable(directory, reason: "the user running Vigil cannot write to it")
        }
        let path = directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
        if fileManager.fileExists(atPath: path), !fileManager.isWritableFile(atPath: path) {
            throw VigilStoreError.fileNotWritable(path)
        }
        return path
    }

    private static func translateOpenError(_ error: any Error, path: String) -> any Error {
        if error is VigilStoreError || error is CancellationError { return error }
        guard let databaseError = error as? DatabaseError else {
            return VigilStoreError.openFailed(path, reason: "\(error)", underlyingError: error)
        }
        switch databaseError.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return VigilStoreError.corrupt(path, underlyingError: error)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            return VigilStoreError.fileNotWritable(path, underlyingError: error)
        default:
            return VigilStoreError.openFailed(
                path,
                reason: databaseError.message ?? "\(databaseError.resultCode)",
                underlyingError: error
            )
        }
    }

    private func migrate() async throws {
        let migrator = Self.migrator
        let displayPath = path ?? ":memory:"
        do {
            let (applied, unknown) = try await writer.read { db in
                let applied = try migrator.appliedIdentifiers(db)
                let known = Set(migrator.migrations)
                return (applied, applied.subtracting(known).sorted())
            }
            guard unknown.isEmpty else {
                throw VigilStoreError.newerSchema(displayPath, unknownMigrations: unknown)
            }
            let pending = migrator.migrations.filter { !applied.contains($0) }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                migrator.asyncMigrate(writer) { result in
                    continuation.resume(with: result.map { _ in () })
                }
            }
            if !pending.isEmpty {
                logger.info(
                    "Migrated the store",
                    metadata: [
                        "vigil.store.path": "\(displayPath)",
                        "vigil.store.migrations": "\(pending.joined(separator: ","))",
                    ]
                )
            } else {
                logger.debug("Opened the store", metadata: ["vigil.store.path": "\(displayPath)"])
            }
        } catch {
            throw Self.translateOpenError(error, path: displayPath)
        }
    }
}
