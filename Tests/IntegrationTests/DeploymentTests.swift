import Foundation
import Testing

/// The systemd unit in deploy/ is valid and hardened.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct DeploymentTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The unit with ExecStart pointed at the freshly built binary (verify checks that the binary exists).
    private func unitUnderTest() throws -> String {
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("deploy/vigil.service"), encoding: .utf8)
        let binary = VigilProcess.executable.path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("vigil.service").path
        try unit.replacingOccurrences(of: "/usr/local/bin/vigil", with: binary).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func systemdAnalyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func unitVerifies() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze is installed by .ci/run")
        let result = try systemdAnalyze(["verify", try unitUnderTest()])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty, "no warnings: \(result.output)")
    }

    @Test func unitIsHardened() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"))
        let result = try systemdAnalyze(["security", "--offline=true", try unitUnderTest()])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(score <= 2.0, "exposure \(score) — docs/operations.md quotes it")
    }
}
