import Foundation
import Synchronization
import Testing

/// The built `vigil` executable, run as a child process the way systemd or an operator runs it.
///
/// Its stderr (the log) is collected as it arrives, so a test can wait for a log line while the process runs.
final class VigilProcess: Sendable {
    /// `.build/debug/vigil` beside the sources (`make test` builds it before the tests run).
    static var executable: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/vigil")
    }

    nonisolated(unsafe) let process = Process()
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let errorText = Mutex("")
    /// Woken on every chunk of stderr and at its end.
    private let errorChunks: AsyncStream<Void>.Continuation
    private let errorStream: AsyncStream<Void>

    /// Starts `vigil` with exactly `environment` (nothing inherited, so no real token can leak in).
    init(arguments: [String], environment: [String: String]) throws {
        let executable = Self.executable
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "build first: \(executable.path) is missing")
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        errorChunks = continuation
        errorStream = stream
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        process.standardOutput = stdout
        process.standardError = stderr
        stderr.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                errorChunks.finish()
            } else {
                errorText.withLock { $0 += String(decoding: data, as: UTF8.self) }
                errorChunks.yield()
            }
        }
        try process.run()
    }

    /// What the process wrote to stderr so far.
    var errorOutput: String { errorText.withLock { $0 } }

    /// The process id (for signals).
    var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until stderr contains `text` (re-checked on every new chunk); throws after `timeout` or at the end of
    /// the output.
    func waitForErrorOutput(containing text: String, timeout: Duration = .seconds(15)) async throws {
        if errorOutput.contains(text) { return }
        let stream = errorStream
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { [self] in
                for await _ in stream where errorOutput.contains(text) { return true }
                return errorOutput.contains(text)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let found = try await group.next() ?? false
            group.cancelAll()
            if !found || !errorOutput.contains(text) {
                throw WaitFailure(description: "vigil did not log \"\(text)\" within \(timeout); stderr ends with:\n\(errorOutput.suffix(2_000))")
            }
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
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // The rest of stderr arrives through the handler; wait for its end (bounded: the process is gone).
        for await _ in errorStream {}
        return (process.terminationStatus, out, errorOutput)
    }

    /// A wait that ran out.
    struct WaitFailure: Error, CustomStringConvertible {
        var description: String
    }
}
