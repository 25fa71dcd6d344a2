import Foundation
import Testing

/// `vigil-demo` (`make demo`) as people run it: the built executable in a child process, its transcript read back.
///
/// Needs the executables built next to the tests (`swift build --build-tests` builds them; `make test` does that
/// first).
@Suite(.serialized)
struct DemoCommandTests {
    /// The `vigil-demo` built with these tests.
    static let executable = builtExecutable("vigil-demo")

    /// An executable built with these tests: next to the test binary (whatever the build configuration), else
    /// `<repository>/.build/debug/<name>`, found from this file's path.
    static func builtExecutable(_ name: String) -> URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/\(name)")
    }

    /// The simulator (SwiftNIO, NIOSSL: a second TLS stack) is test support: the demo links it, the worker must not.
    /// Swift symbols carry their module's name (`7NIOCore`, `6NIOSSL`), so the executables' bytes tell.
    @Test
    func onlyTheDemoLinksTheSimulatorAndSwiftNIO() throws {
        let worker = try Data(contentsOf: Self.builtExecutable("vigil"))
        let demo = try Data(contentsOf: Self.executable)
        for module in ["7NIOCore", "6NIOSSL", "14SlackSimulator"] {
            let marker = Data(module.utf8)
            #expect(worker.range(of: marker) == nil, "vigil links \(module)")
            #expect(demo.range(of: marker) != nil, "vigil-demo does not link \(module)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func demoPlaysTheDayAndExitsZero() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                     "build the executable first: swift build --build-tests (missing \(Self.executable.path))")
        let (status, transcript, errors) = try await Self.run(Self.executable, arguments: [])
        #expect(status == 0, "vigil-demo exited \(status)\nstdout:\n\(transcript)\nstderr:\n\(errors)")

        let steps = Self.steps(of: transcript)
        // An investigation reply under the Alertmanager alert.
        let memory = try #require(steps[1], "no step 1 in:\n\(transcript)")
        let alertLine = try #require(memory.firstIndex { $0.hasPrefix("#alerts · AlertManager (bot):") })
        let replyLine = try #require(memory.firstIndex { $0.contains("↳ Vigil, in the thread:") })
        #expect(alertLine < replyLine)
        #expect(memory.contains { $0.contains("🔴 HighMemoryUsage — firing") })
        #expect(memory.contains { $0.contains("[Acknowledge] [Resolve] [Silence 1h] [Re-run]") })
        #expect(memory.contains { $0.contains("Linux") }, "the uname check's output is in the investigation")

        // The ✅ on the post Zabbix resolved by editing it, and the note in its thread.
        let recovery = try #require(steps[6], "no step 6 in:\n\(transcript)")
        #expect(recovery.contains { $0.contains("edited: Resolved in 3m 12s") })
        #expect(recovery.contains { $0.contains("✅ Vigil reacted to the High CPU utilization post") })
        #expect(recovery.contains { $0.contains("✅ Resolved after") })

        // Flapping is flagged exactly once; the next flap gets no new investigation.
        #expect(transcript.components(separatedBy: "⚠️ Flapping").count - 1 == 1)
        #expect(steps[8]?.contains { $0.contains("⚠️ Flapping") } == true)
        #expect(steps[9]?.contains { $0.contains("without a new investigation") } == true)

        // The conversation steps and the closing summary.
        #expect(steps[10]?.contains { $0.contains("History of HighMemoryUsage") } == true)
        #expect(steps[11]?.contains { $0.contains("Vigil status") } == true)
        #expect(steps[12]?.contains { $0.contains("Acknowledged by @alice") } == true)
        #expect(steps[4]?.contains { $0.contains("Approval needed") } == true)
        #expect(steps[4]?.contains { $0.contains("in a DM to bob") } == true)
        #expect(steps[13]?.contains { $0.contains("Ran `restart-api`, approved by @bob") } == true)
        #expect(steps[13]?.contains { $0.contains("deployment api restarted") } == true)
        #expect(steps[13]?.contains { $0.contains("Approved by @bob") } == true)
        let summary = try #require(transcript.split(separator: "\n").last { $0.hasPrefix("Summary:") })
        #expect(summary.contains("posted 6 investigations"))
        #expect(summary.contains("flagged Checkout API as flapping once"))
        #expect(summary.contains("4 incidents are still open (1 acknowledged"))
        #expect(!transcript.contains("\u{1B}["), "the transcript is plain text")
    }

    /// The transcript's lines per numbered step (`── 6. …` starts step 6).
    static func steps(of transcript: String) -> [Int: [String]] {
        var steps: [Int: [String]] = [:]
        var current: Int?
        for line in transcript.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("── "), let number = Int(line.dropFirst(3).prefix { $0.isNumber }) {
                current = number
            }
            if let current { steps[current, default: []].append(line) }
        }
        return steps
    }

    /// Runs `executable` with stdout and stderr in temporary files and waits for it without blocking a thread;
    /// cancelling the test terminates it.
    static func run(_ executable: URL, arguments: [String]) async throws -> (Int32, String, String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-demo-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdout = directory.appendingPathComponent("stdout")
        let stderr = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        let status: Int32 = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            if process.isRunning { process.terminate() }
        }
        return (status,
                (try? String(contentsOf: stdout, encoding: .utf8)) ?? "",
                (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
    }
}
