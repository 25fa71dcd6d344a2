import Foundation
import Testing

/// The built `vigil` executable, run as a child process the way systemd or an operator runs it.
struct VigilProcess {
    /// `.build/debug/vigil` beside the sources (`make test` builds it before the tests run).
    static var executable: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/vigil")
    }

    let process = Process()
    let stdout = Pipe()
    let stderr = Pipe()

    /// Starts `vigil` with exactly `environment` (nothing inherited, so no real token can leak in).
    init(arguments: [String], environment: [String: String]) throws {
        let executable = Self.executable
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "build first: \(executable.path) is missing")
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
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
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, out, err)
    }
}
