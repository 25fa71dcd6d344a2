import Foundation

/// What the figures were measured on: CPU, memory, kernel, toolchains, library versions and load.
struct MachineDescription {
    // One line each in the report; "unknown" when it could not be found out.
    var cpu = "unknown"
    var cores = ProcessInfo.processInfo.activeProcessorCount
    var memory = "unknown"
    var kernel = "unknown"
    var swift = "unknown"
    var python = "unknown"
    var bolt = "unknown"
    var libwebsockets = "unknown"
    var loadAverage = "unknown"

    /// Reads `/proc` and asks the tools (`swift --version`, the Bolt worker's Python, `pkg-config`).
    static func current(pythonExecutable: String?) async -> MachineDescription {
        var machine = MachineDescription()
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        {
            machine.cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") })
        {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kib = Double(fields[1]) {
                machine.memory = String(format: "%.1f GiB", kib / 1_048_576)
            }
        }
        if let release = try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8) {
            machine.kernel = "Linux " + release.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
            machine.loadAverage = load.split(separator: " ").prefix(3).joined(separator: " ")
        }
        if let swift = await Self.capture("/usr/bin/env", ["swift", "--version"]),
            let line = swift.split(separator: "\n").first(where: { $0.contains("Swift version") })
        {
            machine.swift = String(line)
        }
        if let python = pythonExecutable,
            let text = await Self.capture(
                python,
                [
                    "-c",
                    "import sys, slack_bolt.version as b, slack_sdk.version as s; "
                        + "print(sys.version.split()[0], b.__version__, s.__version__)",
                ]
            )
        {
            let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if parts.count == 3 {
                machine.python = "Python \(parts[0])"
                machine.bolt = "slack-bolt \(parts[1]), slack-sdk \(parts[2])"
            }
        }
        if let lws = await Self.capture("/usr/bin/env", ["pkg-config", "--modversion", "libwebsockets"]) {
            let version = lws.trimmingCharacters(in: .whitespacesAndNewlines)
            machine.libwebsockets = "libwebsockets " + (version.hasSuffix("-") ? String(version.dropLast()) : version)
        }
        return machine
    }

    /// Markdown lines.
    var markdown: String {
        """
        - CPU: \(self.cpu), \(self.cores) cores (nproc)
        - Memory: \(self.memory)
        - Kernel: \(self.kernel)
        - Swift: \(self.swift)
        - Python: \(self.python); \(self.bolt)
        - \(self.libwebsockets) (Vigil's shim and the floor)
        - Load average when the run started: \(self.loadAverage) (the machine may be shared; see the noise columns)
        """
    }

    /// Runs a short command (at most 30 s) and returns its output, or `nil` if it failed.
    static func capture(_ executable: String, _ arguments: [String]) async -> String? {
        let path = NSTemporaryDirectory() + "vigil-bench-capture-\(ProcessInfo.processInfo.processIdentifier).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard
            let process = try? WorkerProcess(
                name: executable,
                executable: executable,
                arguments: arguments,
                environment: [:],
                logPath: path
            )
        else { return nil }
        guard case .exited(0) = await process.waitForExit(timeout: .seconds(30)) else {
            _ = await process.stop(timeout: .seconds(1))
            return nil
        }
        return process.output
    }
}
