import Foundation
import Testing

@testable import VigilStorage

@Suite("One instance per state folder")
struct StateDirectoryLockTests {
    @Test("A second lock on the same folder fails naming the holder's PID; released, it can be taken again")
    func exclusive() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            let folder = directory + "/state"
            let first = try StateDirectoryLock(directory: folder)
            #expect(FileManager.default.fileExists(atPath: folder + "/vigil.lock"))
            let contents = try String(contentsOfFile: first.path, encoding: .utf8)
            #expect(contents == "\(getpid())\n")
            let error = #expect(throws: StateDirectoryLock.HeldElsewhere.self) {
                _ = try StateDirectoryLock(directory: folder)
            }
            #expect(error?.holderPID == getpid())
            #expect(error?.description.contains("PID \(getpid())") == true)
            first.release()
            let again = try StateDirectoryLock(directory: folder)
            again.release()
        }
    }

    @Test("A folder that cannot be created is a store error saying so")
    func uncreatable() async throws {
        try await StoreFixtures.withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let blocker = directory + "/file"
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            let error = #expect(throws: VigilStoreError.self) {
                _ = try StateDirectoryLock(directory: blocker + "/state")
            }
            #expect(error?.kind == .notWritable)
        }
    }
}
