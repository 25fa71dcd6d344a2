import ArgumentParser
import Foundation
import SlackSimulator

/// `vigil-bench hold`: starts the simulator and one `vigil run` exactly as a bench session does, waits for its two
/// live Socket Mode connections, prints the worker's pid and keeps both running for a while, so the idle worker
/// can be profiled from outside (`/proc/<pid>/smaps`, `perf`, `pmap`). With `--envelopes` / `--alerts` it first
/// sends people's chatter in an unwatched channel and Alertmanager posts in the alert channels, and waits for their
/// acks and thread replies, so the hot path has run too. SIGTERM to the worker at the end (`bench/order-functions.sh`
/// profiles such a run under callgrind to write the release link's function order).
struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Runs an idle vigil against the simulator, prints its pid, and keeps it running for profiling."
    )

    @Option(help: "Path of the built vigil binary (started as `vigil run`).")
    var vigil = ".build/release/vigil"

    @OptionGroup var launch: VigilLaunchOptions

    @Option(help: "Seconds to keep the worker running after it connected.")
    var seconds = 60

    @Option(help: "People's messages sent in an unwatched channel after connecting (acked, then skipped).")
    var envelopes = 0

    @Option(help: "Alertmanager posts sent in the alert channels after connecting (each gets a thread reply).")
    var alerts = 0

    @Option(help: "Log level given to the worker (VIGIL_LOG_LEVEL).")
    var workerLogLevel = "info"

    mutating func run() async throws {
        let workDirectory = NSTemporaryDirectory() + "vigil-hold-\(getpid())"
        try FileManager.default.createDirectory(atPath: workDirectory + "/state", withIntermediateDirectories: true)
        let slack = try await SlackSimulator.start(configuration: BenchSession.simulatorConfiguration())
        let worker = try self.launch.worker(command: self.vigil)
        let (executable, arguments) = worker.launch(socketURLs: [])
        let process = try WorkerProcess(
            name: worker.displayName,
            executable: executable,
            arguments: arguments,
            environment: BenchSession.workerEnvironment(
                for: worker, slack: slack, stateDirectory: workDirectory + "/state", logLevel: self.workerLogLevel),
            logPath: workDirectory + "/vigil.log"
        )
        do {
            try await BenchSession.waitForConnections(
                slack: slack, process: process, count: worker.connections, timeout: .seconds(30))
            try await self.exercise(slack)
        } catch {
            _ = await process.stop(timeout: .seconds(5))
            await slack.shutdown()
            throw error
        }
        FileHandle.standardOutput.write(Data("pid \(process.pid) (log: \(workDirectory)/vigil.log)\n".utf8))
        try? await Task.sleep(for: .seconds(self.seconds))
        _ = await process.stop(timeout: .seconds(10))
        await slack.shutdown()
    }

    /// Sends the chatter and the alerts the way a bench session does, and waits (bounded) for their acks and replies.
    private func exercise(_ slack: SlackSimulator) async throws {
        if self.envelopes > 0 {
            _ = try await BenchSession.sendFiller(slack: slack, count: self.envelopes, rate: 1_000, base: 1_000_000)
            _ = try? await slack.waitForAcknowledgedEnvelopes(count: self.envelopes, timeout: .seconds(60))
        }
        if self.alerts > 0 {
            _ = try await BenchSession.postAlerts(slack: slack, session: 0, count: self.alerts, rate: 20, firstIndex: 0)
            _ = try? await slack.waitForCalls(method: "chat.postMessage", count: self.alerts, timeout: .seconds(60))
        }
    }
}
