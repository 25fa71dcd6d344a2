import VigilBase
import ArgumentParser
import Foundation
import Logging

/// `vigil-bench run`: every scenario for every given worker, interleaved run by run, then the table.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs the Socket Mode scenarios for the floor, Vigil and Bolt and writes the comparison table."
    )

    @Option(help: "Path of the built vigil binary (started as `vigil run`).")
    var vigil: String?

    @Option(help: "Command line of the Bolt reference worker, e.g. \"bench/.venv/bin/python bench/bolt_worker.py\".")
    var bolt: String?

    @Option(help: "Path of the compiled ack floor (bench/ack_floor.c).")
    var floor: String?

    @OptionGroup var launch: VigilLaunchOptions

    @Option(help: "Write the report (markdown) to this file, e.g. docs/performance.md.")
    var out: String?

    @Option(help: "Runs of the light scenarios (idle RSS, ack latency, end to end); one fresh process each.")
    var runs = 5

    @Option(help: "Runs of the heavy scenarios (soak RSS/CPU, burst, slow posts): the first N of the runs.")
    var heavyRuns = 5

    @Option(help: "Envelopes per second of the 20,000-envelope soak (RSS growth and CPU).")
    var soakRate = 1_000.0

    @Option(help: "Seconds a worker may take to open its Socket Mode connections.")
    var connectTimeout = 30

    @Option(help: "Log level given to the workers (VIGIL_LOG_LEVEL).")
    var workerLogLevel = "warning"

    @Option(help: "Folder for worker logs and state (default: a new folder under /tmp).")
    var workDir: String?

    @Flag(help: "Divide every envelope count by 10 (a smoke test of the bench itself; figures are not comparable).")
    var quick = false

    @Option(help: "Text shown as the command that reproduces the run.")
    var reproduce = "make bench"

    @Option(help: "Start no new run after this many minutes (the runs done so far are reported).")
    var budgetMinutes = 20

    mutating func run() async throws {
        let logger = Logger(label: "vigil-bench")
        var parameters = BenchParameters()
        parameters.connectTimeout = .seconds(self.connectTimeout)
        parameters.soakRate = self.soakRate
        parameters.workerLogLevel = self.workerLogLevel
        if self.quick {
            parameters.warmUpCount /= 10
            parameters.latencyCount /= 10
            parameters.burstCount /= 10
            parameters.soakCount /= 10
            parameters.slowAlertCount /= 10
            parameters.slowFillerCount /= 10
            parameters.endToEndCount /= 4
        }
        var workers: [WorkerSpec] = []
        var errors: [WorkerSpec.Kind: String] = [:]
        if let floor { workers.append(WorkerSpec(kind: .floor, command: floor, connections: 2)) }
        if let vigil { workers.append(try self.launch.worker(command: vigil)) }
        if let bolt { workers.append(WorkerSpec(kind: .bolt, command: bolt, connections: 1)) }
        guard !workers.isEmpty else {
            throw ValidationError("give at least one of --floor, --vigil, --bolt")
        }
        for worker in workers where worker.kind != .bolt {
            if !FileManager.default.isExecutableFile(atPath: worker.command) {
                errors[worker.kind] =
                    "\(worker.command) is not an executable file"
                    + (worker.kind == .vigil ? " (build it: swift build -c release --product vigil)" : "")
            } else if let configFile = worker.configFile, !FileManager.default.isReadableFile(atPath: configFile) {
                errors[worker.kind] = "\(configFile) (--vigil-config) is not a readable file"
            }
        }
        let workDirectory =
            self.workDir ?? "\(NSTemporaryDirectory())vigil-bench-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        let python = self.bolt.flatMap { $0.split(separator: " ").first.map(String.init) }
        let machine = await MachineDescription.current(pythonExecutable: python)
        let started = Date()

        var results: [WorkerSpec.Kind: [BenchSession.Result]] = [:]
        let total = max(self.runs, self.heavyRuns)
        let budgetEnd = ContinuousClock.now + .seconds(self.budgetMinutes * 60)
        var budgetNote: String?
        runs: for index in 0..<total {
            for worker in workers where errors[worker.kind] == nil {
                if ContinuousClock.now > budgetEnd {
                    budgetNote = "time budget of \(self.budgetMinutes) min used up: stopped before run \(index + 1) of "
                        + "\(worker.displayName); the figures come from the runs done"
                    Self.progress(budgetNote!)
                    break runs
                }
                let heavy = index < self.heavyRuns
                let session = BenchSession(
                    worker: worker,
                    index: index,
                    heavy: heavy,
                    parameters: parameters,
                    workDirectory: workDirectory,
                    logger: logger
                )
                Self.progress("\(worker.displayName) run \(index + 1)/\(total)\(heavy ? " (heavy)" : "") …")
                let clock = ContinuousClock.now
                do {
                    let result = try await session.run()
                    results[worker.kind, default: []].append(result)
                    Self.progress("  \(Self.summary(result)) [\(Self.seconds(ContinuousClock.now - clock))]")
                    for note in result.notes { Self.progress("  note: \(note)") }
                } catch {
                    errors[worker.kind] = "run \(index + 1): \(error)"
                    Self.progress("  FAILED: \(error)")
                }
            }
        }

        var aggregates: [WorkerSpec.Kind: ResultTable.Aggregate] = [:]
        for (kind, sessions) in results {
            var values: [Metric: [Double]] = [:]
            for session in sessions {
                for (metric, value) in session.values { values[metric, default: []].append(value) }
            }
            aggregates[kind] = ResultTable.Aggregate(values: values)
        }
        let report = PerformanceReport(
            machine: machine,
            parameters: parameters,
            table: ResultTable(parameters: parameters, aggregates: aggregates),
            workers: workers,
            runs: self.runs,
            heavyRuns: self.heavyRuns,
            quick: self.quick,
            started: started,
            duration: Date().timeIntervalSince(started),
            reproduce: self.reproduce,
            commandLine: CommandLine.arguments.map(Self.shellQuoted).joined(separator: " "),
            notes: results.sorted { $0.key.rawValue < $1.key.rawValue }.flatMap { $0.value.flatMap(\.notes) }
                + (budgetNote.map { [$0] } ?? []),
            errors: errors
        )
        let markdown = report.markdown()
        print(report.table.markdown())
        if !errors.isEmpty {
            print("")
            for (kind, error) in errors.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                print("\(kind.rawValue) not measured: \(error)")
            }
        }
        if let out {
            try markdown.write(toFile: out, atomically: true, encoding: .utf8)
            print("\nwrote \(out); worker logs in \(workDirectory)")
        }
        if !errors.isEmpty { throw ExitCode(1) }
    }

    private static func summary(_ result: BenchSession.Result) -> String {
        let picks: [(String, Metric, ResultTable.Unit)] = [
            ("rss idle", .rssIdle, .mebibytes), ("ack p99", .ackP99, .milliseconds),
            ("e2e p50", .e2eP50, .milliseconds), ("burst", .burstRate, .perSecond),
            ("cpu/10k", .cpuPer10k, .cpuSeconds), ("growth", .rssGrowth, .mebibytes),
            ("slow p99", .slowP99, .milliseconds),
        ]
        return picks.compactMap { label, metric, unit in
            result.values[metric].map { "\(label) \(ResultTable.format($0, unit))" }
        }.joined(separator: ", ")
    }

    /// Quotes an argument for a POSIX shell when it needs it.
    static func shellQuoted(_ argument: String) -> String {
        let plain = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func seconds(_ duration: Duration) -> String { String(format: "%.1f s", duration.seconds) }

    /// Writes a progress line to stderr.
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
