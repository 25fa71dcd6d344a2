import Foundation
import Testing

/// The built `vigil` executable, run as a child process the way systemd or an operator runs it.
///
/// Its stdout and stderr go to files in a temporary folder (no pipe can fill up, and no dispatch source watches a
/// descriptor that is closed later), so a test can read the log while the process runs.
final class VigilProcess: Sendable {
    /// `.build/debug/vigil` beside the sources (`make test` builds it before the tests run).
    static var executable: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/vigil")
    }

    nonisolated(unsafe) let process = Process()
    private let directory: URL
    private let stdoutFile: URL
    private let stderrFile: URL

    /// Starts `vigil` with exactly `environment` (nothing inherited, so no real token can leak in).
    init(arguments: [String], environment: [String: String]) throws {
        let executable = Self.executable
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "build first: \(executable.path) is missing")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-process-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        stdoutFile = directory.appendingPathComponent("stdout")
        stderrFile = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// What the process wrote to stderr so far.
    var errorOutput: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// What the process wrote to stdout so far.
    var standardOutput: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }

    /// The process id (for signals).
    var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until stderr contains `text`, re-reading it every 20 ms; throws after `timeout` or once the process has
    /// exited without writing it.
    func waitForErrorOutput(containing text: String, timeout: Duration = .seconds(15)) async throws {
        try await waitFor(text, in: "stderr", timeout: timeout) { self.errorOutput }
    }

    /// Waits until stdout contains `text` while the process runs (see ``waitForErrorOutput(containing:timeout:)``).
    func waitForStandardOutput(containing text: String, timeout: Duration = .seconds(15)) async throws {
        try await waitFor(text, in: "stdout", timeout: timeout) { self.standardOutput }
    }

    private func waitFor(_ text: String, in stream: String, timeout: Duration, read: () -> String) async throws {
        let deadline = ContinuousClock.now + timeout
        while !read().contains(text) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                if read().contains(text) { return }
                throw WaitFailure(
                    description: "vigil did not write \"\(text)\" to \(stream) within \(timeout)"
                        + "\(process.isRunning ? "" : " (it exited)"); \(stream) ends with:\n\(read().suffix(2_000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the exit (bounded) and returns the status with both outputs.
    func finish(within timeout: Duration) async throws -> (status: Int32, stdout: String, stderr: String) {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.interrupt()
                kill(process.processIdentifier, SIGKILL)
                Issue.record("vigil did not exit within \(timeout)")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        let out = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, out, errorOutput)
    }

    /// A wait that ran out.
    struct WaitFailure: Error, CustomStringConvertible {
        var description: String
    }
}
