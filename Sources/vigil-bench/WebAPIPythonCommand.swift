import ArgumentParser
import Foundation
import SlackSimulator

/// `vigil-bench webapi-python`: chat.postMessage calls per second through Python's `slack_sdk.WebClient` against the
/// simulator with the post rate rule off, sequential and from N threads; a reference for Vigil's Web API client.
struct WebAPIPythonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webapi-python",
        abstract: "Measures Web API calls per second through Python's slack_sdk.WebClient against the simulator."
    )

    @Option(help: "Python with slack_sdk installed.")
    var python = "bench/.venv/bin/python"

    @Option(help: "The client script.")
    var script = "bench/webapi_python.py"

    @Option(help: "Calls per mode.")
    var calls = 2_000

    @Option(help: "Threads of the concurrent mode.")
    var threads = 8

    @Option(help: "Append the section to this markdown file (e.g. docs/performance.md).")
    var appendTo: String?

    mutating func run() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.channelPostRateLimit = nil
        let slack = try await SlackSimulator.start(configuration: configuration)
        let output: String
        do {
            output = try await self.runClient(slack: slack)
            await slack.shutdown()
        } catch {
            await slack.shutdown()
            throw error
        }
        let recorded = slack.calls(method: "chat.postMessage")
        guard let data = output.split(separator: "\n").last.map({ Data($0.utf8) }),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let results = object["results"] as? [[String: Any]]
        else {
            throw BenchError("the Python client printed no result:\n\(output)")
        }
        var lines = [
            "| client | threads | calls | errors | calls/s | p50 | p99 |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
        for result in results {
            let threads = result["threads"] as? Int ?? 0
            let calls = result["calls"] as? Int ?? 0
            let errors = result["errors"] as? Int ?? 0
            let rate = result["per_second"] as? Double ?? 0
            let p50 = result["p50_ms"] as? Double ?? 0
            let p99 = result["p99_ms"] as? Double ?? 0
            lines.append(
                "| slack_sdk.WebClient | \(threads) | \(calls) | \(errors) | \(String(format: "%.0f", rate)) | "
                    + "\(String(format: "%.2f", p50)) ms | \(String(format: "%.2f", p99)) ms |"
            )
        }
        let okCount = recorded.filter(\.answeredOK).count
        let connections = Set(recorded.map(\.httpConnection)).count
        let table = lines.joined(separator: "\n")
        let section = """

            ## Web API client reference (Python)

            `vigil-bench webapi-python`: `chat.postMessage` to one channel of the simulator (post rate rule off) through \
            `slack_sdk.WebClient`, sequentially and from \(self.threads) threads sharing one client. The simulator \
            recorded \(recorded.count) calls (\(okCount) answered ok) over \(connections) TCP connection(s) \
            (`WebClient` opens one per call). Latency is per call, as the client sees it. The simulator answers on one \
            SwiftNIO event-loop thread and shares the machine's cores with the client.

            \(table)

            """
        print(section)
        if let appendTo {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: appendTo))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(section.utf8))
            try handle.close()
        }
    }

    private func runClient(slack: SlackSimulator) async throws -> String {
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
}
