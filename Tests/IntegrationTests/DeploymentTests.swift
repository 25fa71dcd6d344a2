import Foundation
import Testing

/// The systemd unit in deploy/ is valid and hardened, and `make install` puts its documentation where it points.
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
        try run("/usr/bin/systemd-analyze", arguments)
    }

    private func make(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run("/usr/bin/make", ["--no-print-directory", "-C", Self.repository.path] + arguments)
    }

    /// Runs `executable` to its end; its stdout and stderr together.
    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
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

    /// `make install` puts the docs where the unit's `Documentation=` points (`systemctl help vigil`), and
    /// `make uninstall` removes them again.
    @Test func installedDocsAreWhereTheUnitPoints() throws {
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("deploy/vigil.service"), encoding: .utf8)
        let documents = unit.split(separator: "\n")
            .filter { $0.hasPrefix("Documentation=") }
            .flatMap { $0.dropFirst("Documentation=".count).split(separator: " ") }
            .map(String.init)
        try #require(!documents.isEmpty, "the unit names its documentation")
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: destination) }

        let install = try make(["install-docs", "DESTDIR=\(destination.path)"])
        try #require(install.status == 0, "\(install.output)")
        for document in documents {
            let path = try #require(document.hasPrefix("file://") ? String(document.dropFirst("file://".count)) : nil,
                                    "\(document) is not a file:// URL")
            #expect(FileManager.default.fileExists(atPath: destination.path + path), "\(path) is not installed")
        }

        let uninstall = try make(["uninstall", "DESTDIR=\(destination.path)"])
        #expect(uninstall.status == 0, "\(uninstall.output)")
        for document in documents {
            #expect(!FileManager.default.fileExists(atPath: destination.path + document.dropFirst("file://".count)))
        }
    }
}
