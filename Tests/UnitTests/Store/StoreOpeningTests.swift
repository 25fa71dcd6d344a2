@testable import AlertReading
@testable import VigilStorage
import Foundation
import GRDB
import Testing


@Suite("Store opening, migrations and restarts")
struct StoreOpeningTests {
    @Test("A fresh directory is created 0700 and holds a WAL-mode, migrated database")
    func freshDatabase() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            let store = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
            let path = try #require(store.path)
            #expect(path == directory + "/vigil.sqlite")

            let attributes = try FileManager.default.attributesOfItem(atPath: directory)
            let permissions = try #require(attributes[.posixPermissions] as? NSNumber)
            #expect(permissions.intValue & 0o777 == 0o700)

            // Bytes 18 and 19 of the SQLite header are 2 in WAL mode.
            let header = try #require(FileManager.default.contents(atPath: path))
            #expect(header.count >= 100)
            #expect(header[18] == 2 && header[19] == 2)

            let (applied, foreignKeys, journal) = try await store.writer.read { db in
                (
                    try SQLiteVigilStore.migrator.appliedMigrations(db),
                    try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                    try String.fetchOne(db, sql: "PRAGMA journal_mode")
                )
            }
            #expect(applied == ["v1", "v2", "v3"])
            #expect(foreignKeys == 1)
            #expect(journal == "wal")
        }
    }

    @Test("Data survives closing and reopening the store (a restart)")
    func dataSurvivesRestart() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            let incidentID: Int64
            do {
                let store = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
                #expect(try await store.markEventProcessed(workspace: "T0TEST", eventID: "Ev01", at: StoreFixtures.t0))
                let outcome = try await store.record(
                    StoreFixtures.alert(.firing),
                    workspace: "T0TEST",
                    channel: "C0ALERTS",
                    ts: "1700000000.000100",
                    at: StoreFixtures.t0
                )
                incidentID = try #require(outcome.incident?.id)
                try await store.addWatchedChannel(
                    workspace: "T0TEST",
                    channel: "C0ALERTS",
                    addedBy: "U0ALICE",
                    source: .command,
                    at: StoreFixtures.t0
                )
                try await store.advanceCursor(
                    workspace: "T0TEST",
                    channel: "C0ALERTS",
                    to: "1700000000.000100",
                    at: StoreFixtures.t0
                )
            }

            let reopened = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
            #expect(
                try await reopened.markEventProcessed(workspace: "T0TEST", eventID: "Ev01", at: StoreFixtures.t0)
                    == false
            )
            let incident = try #require(try await reopened.incident(id: incidentID))
            #expect(incident.status == .open)
            #expect(try await reopened.watchedChannels(workspace: "T0TEST").map(\.channel) == ["C0ALERTS"])
            #expect(try await reopened.cursor(workspace: "T0TEST", channel: "C0ALERTS") == "1700000000.000100")
            let applied = try await reopened.writer.read { db in try SQLiteVigilStore.migrator.appliedMigrations(db) }
            #expect(applied == ["v1", "v2", "v3"])
        }
    }

    @Test("A data directory that cannot be created gives a notWritable error naming the path and the fix")
    func unwritableDirectory() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            // A regular file where a parent directory should be: fails even for root.
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let blocker = directory + "/not-a-directory"
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            let target = blocker + "/vigil"

            let error = try await #require(throws: VigilStoreError.self) {
                _ = try await SQLiteVigilStore(directory: target, logger: StoreFixtures.logger)
            }
            #expect(error.kind == .notWritable)
            #expect(error.path == target)
            #expect(error.description.contains(target))
            #expect(error.description.contains("install -d -m 0700"))

            let fileError = try await #require(throws: VigilStoreError.self) {
                _ = try await SQLiteVigilStore(directory: blocker, logger: StoreFixtures.logger)
            }
            #expect(fileError.kind == .notWritable)
            #expect(fileError.description.contains("not a directory"))
        }
    }

    @Test(
        "A read-only data directory gives a notWritable error",
        .enabled(if: getuid() != 0, "root bypasses permission bits")
    )
    func readOnlyDirectory() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o500]
            )
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory) }
            let error = try await #require(throws: VigilStoreError.self) {
                _ = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
            }
            #expect(error.kind == .notWritable)
            #expect(error.description.contains(directory))
        }
    }

    @Test("A file that is not a SQLite database gives a corrupt error saying to move it aside")
    func corruptDatabase() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/vigil.sqlite"
            try Data(String(repeating: "this is not a database. ", count: 200).utf8)
                .write(to: URL(fileURLWithPath: path))

            let error = try await #require(throws: VigilStoreError.self) {
                _ = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
            }
            #expect(error.kind == .corrupt)
            #expect(error.path == path)
            #expect(error.description.contains(path))
            #expect(error.description.contains("move the file"))
        }
    }

    @Test("A database migrated by a newer Vigil is refused with newerSchema")
    func newerSchema() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            do {
                let store = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
                try await store.writer.write { db in
                    try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999')")
                }
            }
            let error = try await #require(throws: VigilStoreError.self) {
                _ = try await SQLiteVigilStore(directory: directory, logger: StoreFixtures.logger)
            }
            #expect(error.kind == .newerSchema)
            #expect(error.description.contains("v999"))
        }
    }

    @Test("The in-memory store is migrated and usable")
    func inMemory() async throws {
        let store = try await StoreFixtures.inMemory()
        #expect(store.path == nil)
        #expect(try await store.markEventProcessed(workspace: "T0TEST", eventID: "Ev01", at: StoreFixtures.t0))
        #expect(try await store.openIncidents(workspace: "T0TEST", channel: nil).isEmpty)
    }
}
