import VigilBase
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-instance-per-state-folder guarantee: an exclusive `flock` on `<state>/vigil.lock`, held for the life of
/// the worker, with the holder's PID written in the file so that a second `vigil run` can name it.
///
/// The kernel drops the lock when the holder's process ends in any way (SIGKILL, OOM, power loss leaves no process),
/// so a stale file never blocks a start. Release it with ``release()`` when the worker stops; it is not released
/// from `deinit`.
public final class StateDirectoryLock: Sendable {
    /// The lock file's name inside the state folder.
    public static let fileName = "vigil.lock"

    /// Another process holds the lock.
    public struct HeldElsewhere: Error, CustomStringConvertible, Sendable {
        /// The lock file.
        public let path: String
        /// The holder's PID as written in the file, when readable.
        public let holderPID: Int32?

        public var description: String {
            let holder = holderPID.map { "PID \($0)" } ?? "another process"
            return "another Vigil (\(holder)) is already running on the state folder of '\(path)'; stop it first, "
                + "or give this one its own folder (VIGIL_STATE_DIR / state_dir)"
        }
    }

    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock, creating the state folder and the lock file when missing.
    /// - Throws: ``HeldElsewhere`` when another process holds it; ``VigilStoreError`` (`notWritable`) when the folder
    ///   or file cannot be created or opened.
    public init(directory: String) throws {
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw VigilStoreError.directoryNotWritable(directory, reason: "it does not exist and could not be created",
                                                           underlyingError: error)
            }
        }
        let path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw VigilStoreError.directoryNotWritable(directory, reason: "the lock file \(Self.fileName) cannot be opened (\(reason))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = Self.readPID(descriptor)
            close(descriptor)
            if failure == EWOULDBLOCK {
                throw HeldElsewhere(path: path, holderPID: holder)
            }
            throw VigilStoreError.directoryNotWritable(directory, reason: "the lock file cannot be locked (\(String(cString: strerror(failure))))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.path = path
        self.descriptor = descriptor
    }

    /// Gives the lock up (the worker stopped). The file stays; its PID no longer matters once unlocked.
    public func release() {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func readPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmed())
    }
}
