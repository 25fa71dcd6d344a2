import Foundation
import Logging
import Testing
import AlertInvestigation
import AlertReading
import VigilBase

/// These tests start real processes (`/bin/sh` with scripts passed as arguments of a fixed executable).
@Suite("Command probe runner", .timeLimit(.minutes(1)))
struct CommandProbeRunnerTests {
    typealias F = InvestigationFixtures

    static let logger = Logger(label: "vigil.test.probes", factory: { _ in SwiftLogNoOpLogHandler() })

    func shell(
        _ script: String,
        _ extraArguments: [String] = [],
        alert: Alert = InvestigationFixtures.alert(),
        timeout: Duration = .seconds(30),
        limit: Int = 65_536,
        runner: CommandProbeRunner = CommandProbeRunner()
    ) async throws -> ProbeResult {
        try await runner.run(
            .command(
                name: "sh",
                executable: "/bin/sh",
                arguments: ["-c", script, "sh"] + extraArguments,
                timeout: timeout,
                outputLimitBytes: limit
            ),
            alert: alert,
            logger: Self.logger
        )
    }

    /// Whether `pid` no longer runs: no /proc entry, or a zombie waiting for its (new) parent.
    static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state == "Z" || state == "X"
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-probe-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("exit 0 with stdout and stderr captured in one stream")
    func success() async throws {
        let result = try await shell("echo hello; echo oops >&2; echo done")
        #expect(result.outcome == .succeeded(.exitCode(0)))
        #expect(result.output == "hello\noops\ndone\n")
        #expect(result.truncatedBytes == 0)
        #expect(result.name == "sh")
    }

    @Test("a non-zero exit is a failure with its status")
    func exitThree() async throws {
        let result = try await shell("echo failing; exit 3")
        #expect(result.outcome == .failed(.exitCode(3)))
        #expect(result.output == "failing\n")
    }

    @Test("a child killed by a signal reports the signal")
    func killedBySignal() async throws {
        let result = try await shell("kill -9 $$")
        #expect(result.outcome == .failed(.signal(9)))
    }

    @Test("stdin is /dev/null")
    func stdinIsDevNull() async throws {
        let result = try await shell("cat; echo \"[$?]\"")
        #expect(result.output == "[0]\n")
    }

    @Test("alert fields arrive as environment variables, and a hostile value arrives verbatim without running")
    func hostileEnvironment() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("pwned").path
        let hostile = "$(touch \(marker)); rm -rf x `touch \(marker)` \"; touch \(marker); '"
        let alert = F.alert(
            name: hostile,
            labels: ["k8s.namespace": "prod", "team-name": "sre", "ütf": "x"],
            host: "web-1",
            service: "api"
        )
        let result = try await shell(
            #"printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s' "$VIGIL_ALERT_NAME" "$VIGIL_ALERT_STATUS" "$VIGIL_ALERT_SEVERITY" "$VIGIL_ALERT_SOURCE" "$VIGIL_ALERT_HOST" "$VIGIL_ALERT_SERVICE" "$VIGIL_ALERT_IDENTITY" "$VIGIL_LABEL_K8S_NAMESPACE" "$VIGIL_LABEL_TEAM_NAME" "$VIGIL_LABEL__TF""#,
            alert: alert
        )
        #expect(result.outcome == .succeeded(.exitCode(0)))
        #expect(
            result.output
                == "\(hostile)|firing|critical|alertmanager|web-1|api|\(alert.identity)|prod|sre|x"
        )
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("the child sees only the minimal environment, never Vigil's (a fake token is not leaked)")
    func environmentNotLeaked() async throws {
        // Other suites inject environments as dictionaries and never read these from the process, so setting them
        // here for the duration of the test is harmless; previous values are restored.
        let tokenNames: [String] = ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]
        let previous = tokenNames.map { name in (name, getenv(name).map { String(cString: $0) }) }
        setenv("SLACK_BOT_TOKEN", "xoxb-test-not-a-real-token", 1)
        setenv("SLACK_APP_TOKEN", "xapp-test-not-a-real-token", 1)
        defer {
            for (name, value) in previous {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        let alert = F.alert(labels: ["env": "prod"], host: nil, service: nil)
        let result = try await CommandProbeRunner().run(
            .command(name: "env", executable: "/usr/bin/env", timeout: .seconds(30)),
            alert: alert,
            logger: Self.logger
        )
        #expect(result.outcome == .succeeded(.exitCode(0)))
        #expect(!result.output.contains("xoxb-test"))
        #expect(!result.output.contains("xapp-test"))
        let names = Set(
            result.output.split(separator: "\n").compactMap {
                $0.split(separator: "=", maxSplits: 1).first.map(String.init)
            }
        )
        #expect(
            names == [
                "PATH", "LANG", "VIGIL_ALERT_NAME", "VIGIL_ALERT_STATUS", "VIGIL_ALERT_SEVERITY", "VIGIL_ALERT_SOURCE",
                "VIGIL_ALERT_IDENTITY", "VIGIL_LABEL_ENV",
            ]
        )
        #expect(result.output.contains("PATH=/usr/bin:/bin\n"))
        #expect(result.output.contains("LANG=C.UTF-8\n"))
    }

    @Test("arguments are passed verbatim, never through a shell")
    func argumentsVerbatim() async throws {
        let result = try await CommandProbeRunner().run(
            name: "printf",
            executable: "/usr/bin/printf",
            arguments: ["%s|%s", "$(id)", "a b;c"],
            environment: ["PATH": "/usr/bin:/bin"],
            timeout: .seconds(30),
            outputLimitBytes: 1_000,
            logger: Self.logger
        )
        #expect(result.outcome == .succeeded(.exitCode(0)))
        #expect(result.output == "$(id)|a b;c")
    }

    @Test("no descriptor other than stdio reaches the child")
    func descriptorsClosed() async throws {
        // An fd opened by the test process without O_CLOEXEC must not be inherited.
        let fd = open("/dev/null", O_RDONLY)
        #expect(fd >= 3)
        defer { close(fd) }
        let result = try await shell("ls /proc/self/fd | sort -n | tr '\\n' ' '")
        #expect(
            result.output.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init).allSatisfy {
                ["0", "1", "2", "3"].contains($0)
            }
        )
        // (3 is the directory handle `ls` itself opens.)
    }

    @Test("a timeout kills the process group, grandchild included")
    func timeoutKillsGroup() async throws {
        let result = try await shell("sleep 30 & echo $!; wait", timeout: .milliseconds(300))
        #expect(result.outcome == .timedOut)
        let grandchild = try #require(Int32(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.isGone(grandchild))
    }

    @Test("a group that ignores SIGTERM is killed with SIGKILL after the grace period")
    func sigkillEscalation() async throws {
        let result = try await shell(
            "trap '' TERM; sleep 30 & echo $!; wait; wait",
            timeout: .milliseconds(200),
            runner: CommandProbeRunner(terminationGracePeriod: .milliseconds(200))
        )
        #expect(result.outcome == .timedOut)
        let grandchild = try #require(Int32(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.isGone(grandchild))
    }

    @Test("background processes left behind by a finished probe are killed")
    func leftoversKilled() async throws {
        let result = try await shell("sleep 30 & echo $!")
        #expect(result.outcome == .succeeded(.exitCode(0)))
        let grandchild = try #require(Int32(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.isGone(grandchild))
    }

    @Test("output is capped at the limit while the producer is drained to the end (no deadlock)")
    func outputCap() async throws {
        let result = try await shell("yes | head -c 10000000", limit: 4_096)
        #expect(result.outcome == .succeeded(.exitCode(0)))
        #expect(result.output.utf8.count == 4_096)
        #expect(result.output.hasPrefix("y\ny\n"))
        #expect(result.truncatedBytes == 10_000_000 - 4_096)
    }

    @Test("invalid UTF-8 output is decoded lossily")
    func lossyOutput() async throws {
        let result = try await shell(#"printf 'a\377b'"#)
        #expect(result.output == "a\u{FFFD}b")
    }

    @Test("a missing or relative executable cannot start")
    func couldNotStart() async throws {
        let missing = try await CommandProbeRunner().run(
            .command(name: "missing", executable: "/nonexistent/vigil-probe", timeout: .seconds(5)),
            alert: F.alert(),
            logger: Self.logger
        )
        guard case .couldNotStart(let reason) = missing.outcome else {
            Issue.record("expected couldNotStart, got \(missing.outcome)")
            return
        }
        #expect(reason.contains("/nonexistent/vigil-probe"))
        #expect(reason.contains("No such file or directory"))

        let relative = try await CommandProbeRunner().run(
            .command(name: "relative", executable: "sh", arguments: ["-c", "true"], timeout: .seconds(5)),
            alert: F.alert(),
            logger: Self.logger
        )
        #expect(relative.outcome == .couldNotStart(reason: "executable path must be absolute: sh"))

        let notExecutable = try await CommandProbeRunner().run(
            .command(name: "dir", executable: "/etc/hostname", timeout: .seconds(5)),
            alert: F.alert(),
            logger: Self.logger
        )
        guard case .couldNotStart = notExecutable.outcome else {
            Issue.record("expected couldNotStart, got \(notExecutable.outcome)")
            return
        }
    }

    @Test("cancelling the task kills the child and its group, reaps it, and throws CancellationError")
    func cancellation() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let runner = CommandProbeRunner()
        let task = Task {
            try await runner.run(
                .command(
                    name: "sleeper",
                    executable: "/bin/sh",
                    arguments: [
                        "-c", #"sleep 30 & echo "$$ $!" > "$1/pids.tmp"; mv "$1/pids.tmp" "$1/pids"; wait"#, "sh",
                        directory.path,
                    ],
                    timeout: .seconds(50)
                ),
                alert: InvestigationFixtures.alert(),
                logger: Self.logger
            )
        }
        // Wait until the script has started its grandchild (the file appears atomically through mv).
        let pidsFile = directory.appendingPathComponent("pids").path
        while !FileManager.default.fileExists(atPath: pidsFile) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let pids = try String(contentsOfFile: pidsFile, encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        try #require(pids.count == 2)

        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // The shell was reaped by the runner; the grandchild got SIGKILL and closed the pipe before the runner
        // returned.
        #expect(Self.isGone(pids[0]))
        #expect(Self.isGone(pids[1]))
    }

    @Test("a task cancelled before the start spawns nothing")
    func cancelledBeforeStart() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("ran").path
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await CommandProbeRunner().run(
                .command(name: "touch", executable: "/usr/bin/touch", arguments: [marker], timeout: .seconds(5)),
                alert: InvestigationFixtures.alert(),
                logger: Self.logger
            )
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("label keys map to variable names")
    func labelVariableNames() {
        #expect(ProbeEnvironment.labelVariableName(forKey: "k8s.namespace") == "VIGIL_LABEL_K8S_NAMESPACE")
        #expect(ProbeEnvironment.labelVariableName(forKey: "a-b c") == "VIGIL_LABEL_A_B_C")
        #expect(ProbeEnvironment.labelVariableName(forKey: "ünï") == "VIGIL_LABEL__N_")
        let variables = ProbeEnvironment.variables(
            for: F.alert(name: "a\0b", labels: ["a-b": "first", "a_b": "second"])
        )
        #expect(variables["VIGIL_LABEL_A_B"] == "first")
        #expect(variables["VIGIL_ALERT_NAME"] == "ab")
    }
}
