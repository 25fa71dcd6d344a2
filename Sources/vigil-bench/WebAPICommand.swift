import ArgumentParser
import Foundation
import Logging
import SlackSimulator
import Synchronization
import CurlHTTP
import SlackWebClient
import VigilBase

/// `vigil-bench webapi`: `chat.postMessage` calls per second through Vigil's Web API client (``SlackWebAPI`` over the
/// libcurl multi thread, rate limits off) and through Python's `slack_sdk.WebClient`, against the simulator with its
/// post rate rule off, sequentially and from N concurrent callers. Writes one table, both clients side by side.
struct WebAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webapi",
        abstract: "Measures Web API calls per second through Vigil's client and Python's slack_sdk.WebClient."
    )

    @Option(help: "Python with slack_sdk installed; empty skips the Python client.")
    var python = "bench/.venv/bin/python"

    @Option(help: "The Python client script.")
    var script = "bench/webapi_python.py"

    @Option(help: "Calls per mode.")
    var calls = 2_000

    @Option(help: "Concurrent callers of the concurrent mode (tasks for Vigil, threads for Python).")
    var threads = 8

    @Option(help: "Runs of each client; the table shows the median run (by calls/s) and the spread.")
    var runs = 3

    @Option(help: "Append the section to this markdown file (e.g. docs/performance.md).")
    var appendTo: String?

    @Option(help: "Milliseconds the simulator waits before answering each chat.postMessage (a slow Slack).")
    var postDelayMilliseconds = 0

    /// One client, one mode, one run.
    struct Measurement: Sendable {
        var client: String
        var concurrency: Int
        var calls: Int
        var errors: Int
        var perSecond: Double
        var p50: Double
        var p99: Double
        /// Connections the simulator saw.
        var connections: Int
    }

    mutating func run() async throws {
        var measurements: [Measurement] = []
        for run in 1...max(1, self.runs) {
            for concurrency in [1, self.threads] {
                FileHandle.standardError.write(Data("webapi: Vigil, \(concurrency) caller(s), run \(run)\n".utf8))
                measurements.append(try await self.measureVigil(concurrency: concurrency))
            }
            if !self.python.isEmpty {
                FileHandle.standardError.write(Data("webapi: slack_sdk, run \(run)\n".utf8))
                measurements += try await self.measurePython()
            }
        }
        let section = self.section(measurements)
        print(section)
        if let appendTo {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: appendTo))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(section.utf8))
            try handle.close()
        }
    }

    // MARK: - Vigil

    private func measureVigil(concurrency: Int) async throws -> Measurement {
        let slack = try await self.startSimulator()
        var logger = Logger(label: "vigil-bench.webapi") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let curl = try CurlMultiDriver(logger: logger)
        let api = SlackWebAPI(
            baseURL: slack.apiBaseURL,
            botToken: SlackToken(BenchSession.botToken),
            appToken: nil,
            transport: curl,
            configuration: SlackWebAPI.Configuration(budgets: .unlimited),
            logger: logger
        )
        let total = self.calls
        let counter = Counter()
        let started = ContinuousClock.now
        let perCaller = try await withThrowingTaskGroup(of: (latencies: [Double], errors: Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    while let number = counter.next(upTo: total) {
                        let start = ContinuousClock.now
                        do {
                            _ = try await api.postMessage(
                                channel: BenchEvents.unwatchedChannel, text: "bench message \(number)", blocks: nil,
                                threadTS: nil, priority: .investigation)
                        } catch {
                            errors += 1
                        }
                        latencies.append((ContinuousClock.now - start).milliseconds)
                    }
                    return (latencies, errors)
                }
            }
            var all: [(latencies: [Double], errors: Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let seconds = (ContinuousClock.now - started).seconds
        await curl.shutdown()
        let connections = Set(slack.calls(method: "chat.postMessage").map(\.httpConnection)).count
        await slack.shutdown()
        let latencies = perCaller.flatMap(\.latencies)
        return Measurement(
            client: "Vigil `SlackWebAPI`",
            concurrency: concurrency,
            calls: latencies.count,
            errors: perCaller.reduce(0) { $0 + $1.errors },
            perSecond: Double(latencies.count) / seconds,
            p50: Statistics.percentile(latencies, 0.5) ?? 0,
            p99: Statistics.percentile(latencies, 0.99) ?? 0,
            connections: connections
        )
    }

    /// Hands out call numbers 1…limit to concurrent callers.
    private final class Counter: Sendable {
        private let value = Mutex(0)
        func next(upTo limit: Int) -> Int? {
            value.withLock { value in
                guard value < limit else { return nil }
                value += 1
                return value
            }
        }
    }

    // MARK: - Python

    private func measurePython() async throws -> [Measurement] {
        let slack = try await self.startSimulator()
        let output: String
        do {
            output = try await self.runPythonClient(slack: slack)
        } catch {
            await slack.shutdown()
            throw error
        }
        let connections = Set(slack.calls(method: "chat.postMessage").map(\.httpConnection)).count
        await slack.shutdown()
        guard let data = output.split(separator: "\n").last.map({ Data($0.utf8) }),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let results = object["results"] as? [[String: Any]]
        else {
            throw BenchError("the Python client printed no result:\n\(output)")
        }
        return results.map { result in
            Measurement(
                client: "Python `slack_sdk.WebClient`",
                concurrency: result["threads"] as? Int ?? 0,
                calls: result["calls"] as? Int ?? 0,
                errors: result["errors"] as? Int ?? 0,
                perSecond: result["per_second"] as? Double ?? 0,
                p50: result["p50_ms"] as? Double ?? 0,
                p99: result["p99_ms"] as? Double ?? 0,
                connections: connections
            )
        }
    }

    private func runPythonClient(slack: SlackSimulator) async throws -> String {
        let directory = NSTemporaryDirectory() + "vigil-bench-webapi-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = try WorkerProcess(
            name: "webapi-python",
            executable: self.python,
            arguments: [self.script],
            environment: [
                "SLACK_BOT_TOKEN": BenchSession.botToken,
                "SLACK_API_URL": slack.apiBaseURL,
                "BENCH_CHANNEL": BenchEvents.unwatchedChannel,
                "BENCH_CALLS": "\(self.calls)",
                "BENCH_THREADS": "\(self.threads)",
            ],
            logPath: "\(directory)/webapi-python.log"
        )
        guard let termination = await process.waitForExit(timeout: .seconds(300)) else {
            _ = await process.stop()
            throw BenchError("the Python client did not finish within 300 s:\n\(process.outputTail())")
        }
        guard case .exited(0) = termination else {
            throw BenchError("the Python client ended with \(termination):\n\(process.outputTail())")
        }
        return process.output
    }

    // MARK: - Report

    private func startSimulator() async throws -> SlackSimulator {
        var configuration = SlackSimulator.Configuration()
        configuration.channelPostRateLimit = nil
        let simulator = try await SlackSimulator.start(configuration: configuration)
        if postDelayMilliseconds > 0 { simulator.setPostMessageDelay(.milliseconds(postDelayMilliseconds)) }
        return simulator
    }

    private func section(_ measurements: [Measurement]) -> String {
        var lines = [
            "| client | concurrent callers | calls | errors | calls/s (median run) | spread of calls/s | p50 | p99 | TCP connections |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        var medians: [String: Double] = [:]
        let groups = Dictionary(grouping: measurements) { "\($0.client)|\($0.concurrency)" }
        for key in groups.keys.sorted(by: { lhs, rhs in
            let (left, right) = (groups[lhs]![0], groups[rhs]![0])
            return (left.concurrency, left.client) < (right.concurrency, right.client)
        }) {
            let runs = groups[key]!.sorted { $0.perSecond < $1.perSecond }
            let median = runs[runs.count / 2]
            medians[key] = median.perSecond
            lines.append(
                "| \(median.client) | \(median.concurrency) | \(median.calls) | \(runs.map(\.errors).reduce(0, +)) | "
                    + "\(String(format: "%.0f", median.perSecond)) | "
                    + "\(String(format: "%.0f", runs.first!.perSecond))–\(String(format: "%.0f", runs.last!.perSecond)) | "
                    + "\(String(format: "%.2f", median.p50)) ms | \(String(format: "%.2f", median.p99)) ms | "
                    + "\(median.connections) |"
            )
        }
        var ratios: [String] = []
        for concurrency in [1, self.threads] {
            if let vigil = medians["Vigil `SlackWebAPI`|\(concurrency)"],
                let python = medians["Python `slack_sdk.WebClient`|\(concurrency)"], python > 0
            {
                ratios.append("\(concurrency) caller(s): Vigil \(String(format: "%.2f", vigil / python))× Python")
            }
        }
        #if DEBUG
        let build = "a debug build: not comparable"
        #else
        let build = "release build"
        #endif
        return """

            ## Web API client: Vigil and Python side by side

            `vigil-bench webapi` (\(build)): `chat.postMessage` to one channel of the simulator (post rate rule \
            off), \(self.calls) calls per mode, sequentially and from \(self.threads) concurrent callers; \(self.runs) \
            run(s) per client, a fresh simulator each. Vigil's client is the `SlackWebAPI` actor over the libcurl multi \
            thread with its rate limits turned off (keep-alive connections); Python's is `slack_sdk.WebClient` \
            (\(self.threads) threads sharing one client; it opens a connection per call). Latency is per call as the \
            client sees it. The simulator answers on one SwiftNIO event-loop thread and shares the 2 cores with the \
            client (in the same process for Vigil). \(ratios.isEmpty ? "" : "Throughput ratio — " + ratios.joined(separator: "; ") + ".")

            \(lines.joined(separator: "\n"))

            """
    }
}
