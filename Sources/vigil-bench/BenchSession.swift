import VigilBase
import Foundation
import Logging
import SlackSimulator

/// One fresh worker process against one fresh simulator: connect, idle RSS, warm-up, ack latency, end to end and,
/// for heavy sessions, the 20,000-envelope soak (RSS growth, CPU), the burst and the slow-post scenario; then
/// SIGTERM. Scenario failures (timeouts) are recorded as notes and the session goes on; a worker that never
/// connects or dies ends the session with an error carrying its output tail.
struct BenchSession {
    /// The figures of one session, and what went wrong along the way.
    struct Result: Sendable {
        /// The figures measured (a scenario that could not be measured leaves its metrics out).
        var values: [Metric: Double] = [:]
        /// What went wrong or looked odd, one line each, for the report.
        var notes: [String] = []
    }

    /// The worker under test.
    let worker: WorkerSpec
    /// The run number, from 0.
    let index: Int
    /// Whether this run also does the soak, the burst and the alert-load scenarios.
    let heavy: Bool
    /// Sizes, rates and timeouts.
    let parameters: BenchParameters
    /// Where worker logs and state folders go.
    let workDirectory: String
    /// Debug output of the bench itself.
    let logger: Logger

    /// Obviously fake tokens the simulator accepts (its default prefixes).
    static let appToken = "xapp-test-bench-0000000000"
    static let botToken = "xoxb-test-bench-0000000000"

    /// The simulator configuration of every session: the default workspace plus the 20 alert channels, no post
    /// rate rule (alerts are spread so that no channel exceeds it anyway), and no redelivery (a late ack is
    /// counted as late instead of doubling the work).
    static func simulatorConfiguration() -> SlackSimulator.Configuration {
        var configuration = SlackSimulator.Configuration()
        configuration.channels =
            SimulatedChannel.defaults
            + BenchEvents.alertChannels.enumerated().map { offset, id in
                SimulatedChannel(id: id, name: String(format: "alerts-%02d", offset + 1))
            }
        configuration.channelPostRateLimit = nil
        configuration.ackTimeout = .seconds(600)
        configuration.maxRetries = 0
        return configuration
    }

    /// The environment `worker` is started with: its unit's variables (Vigil), then the bench's own, which win:
    /// fake tokens, the simulator's Web API URL, the 20 alert channels, two connections, a fresh state folder.
    static func workerEnvironment(
        for worker: WorkerSpec, slack: SlackSimulator, stateDirectory: String, logLevel: String
    ) -> [String: String] {
        worker.unitEnvironment.merging([
            "SLACK_APP_TOKEN": Self.appToken,
            "SLACK_BOT_TOKEN": Self.botToken,
            "SLACK_API_URL": slack.apiBaseURL,
            "VIGIL_ALERT_CHANNELS": BenchEvents.alertChannels.joined(separator: ","),
            "VIGIL_STATE_DIR": stateDirectory,
            "VIGIL_CONNECTIONS": "2",
            "VIGIL_LOG_LEVEL": logLevel,
        ]) { _, bench in bench }
    }

    /// Runs the session against a fresh simulator, which is shut down afterwards.
    /// - Throws: ``BenchError`` when the worker cannot be started, never connects, or dies.
    func run() async throws -> Result {
        let slack = try await SlackSimulator.start(configuration: Self.simulatorConfiguration())
        do {
            let result = try await self.run(slack: slack)
            await slack.shutdown()
            return result
        } catch {
            await slack.shutdown()
            throw error
        }
    }

    private func run(slack: SlackSimulator) async throws -> Result {
        var result = Result()
        let stateDirectory = "\(self.workDirectory)/state-\(self.worker.kind.rawValue)-\(self.index)"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        var socketURLs: [String] = []
        if self.worker.kind == .floor {
            for _ in 0..<self.worker.connections {
                socketURLs.append(try SocketModeTicket.open(port: slack.port, appToken: Self.appToken))
            }
        }
        let (executable, arguments) = self.worker.launch(socketURLs: socketURLs)
        let process = try WorkerProcess(
            name: self.worker.displayName,
            executable: executable,
            arguments: arguments,
            environment: Self.workerEnvironment(
                for: self.worker, slack: slack, stateDirectory: stateDirectory, logLevel: self.parameters.workerLogLevel),
            logPath: "\(self.workDirectory)/\(self.worker.kind.rawValue)-\(self.index).log"
        )
        do {
            try await Self.waitForConnections(
                slack: slack,
                process: process,
                count: self.worker.connections,
                timeout: self.parameters.connectTimeout
            )
            try await self.measure(slack: slack, process: process, into: &result)
        } catch {
            _ = await process.stop(timeout: .seconds(5))
            throw error
        }
        let opened = slack.connections().count
        if opened > self.worker.connections {
            result.notes.append(
                "\(self.worker.displayName) run \(self.index + 1): opened \(opened) Socket Mode connections "
                    + "(\(self.worker.connections) expected): it lost and reopened connections during the run"
            )
        }
        if self.worker.kind == .bolt {
            let unparsed = process.output.components(separatedBy: "Received an unsupported data frame").count - 1
            if unparsed > 0 {
                result.notes.append(
                    "Bolt run \(self.index + 1): slack_sdk's built-in Socket Mode client logged \(unparsed) × "
                        + "\"Received an unsupported data frame\" (lost WebSocket framing), then dropped the connection"
                )
            }
        }
        let (termination, inTime) = await process.stop(timeout: .seconds(10))
        let clean: Bool
        if case .exited(0) = termination, inTime { clean = true } else { clean = false }
        result.values[.cleanExit] = clean ? 1 : 0
        if !clean {
            result.notes.append(
                "\(self.worker.displayName) run \(self.index + 1): SIGTERM ended it with "
                    + "\(termination.map { "\($0)" } ?? "no exit")\(inTime ? "" : " (SIGKILL after 10 s)")"
            )
        }
        return result
    }

    /// Waits for `count` live connections of the worker, failing fast if it exits first.
    /// - Throws: ``BenchError`` with the worker's output tail when it exits or does not connect within `timeout`.
    static func waitForConnections(
        slack: SlackSimulator,
        process: WorkerProcess,
        count expected: Int,
        timeout: Duration
    ) async throws {
        enum Outcome: Sendable {
            case connected
            case exited(WorkerProcess.Termination?)
            case failed(String)
        }
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    try await slack.waitForLiveConnections(count: expected, timeout: timeout)
                    return .connected
                } catch {
                    return .failed("\(error)")
                }
            }
            group.addTask {
                let ended = await process.waitForExit(timeout: timeout + .seconds(1))
                return ended.map { .exited($0) } ?? .exited(nil)
            }
            var first = await group.next() ?? .failed("no outcome")
            if case .exited(nil) = first { first = await group.next() ?? first }
            group.cancelAll()
            return first
        }
        switch outcome {
        case .connected:
            return
        case .exited(let termination):
            throw BenchError(
                "\(process.name) exited (\(termination.map { "\($0)" } ?? "?")) before opening "
                    + "\(expected) Socket Mode connection(s). Its output ends with:\n\(process.outputTail())"
            )
        case .failed(let reason):
            throw BenchError(
                "\(process.name) did not get \(expected) live Socket Mode connection(s) within "
                    + "\(timeout): \(reason). Its output ends with:\n\(process.outputTail())"
            )
        }
    }

    // MARK: Scenarios

    private func measure(slack: SlackSimulator, process: WorkerProcess, into result: inout Result) async throws {
        let name = "\(self.worker.displayName) run \(self.index + 1)"
        let settleStart = (ContinuousClock.now, process.cpuSeconds)
        try await Task.sleep(for: self.parameters.settle)
        result.values[.rssIdle] = process.residentBytes.map(Self.mebibytes)
        if let breakdown = process.residentBreakdown {
            result.values[.rssIdleExecutable] = Self.mebibytes(breakdown.executable)
            result.values[.rssIdleLibraries] = Self.mebibytes(breakdown.otherFiles)
            result.values[.rssIdleAnonymous] = Self.mebibytes(breakdown.anonymous)
        }
        var idleCPUPerSecond = 0.0
        if let before = settleStart.1, let after = process.cpuSeconds {
            idleCPUPerSecond = max(0, after - before) / (ContinuousClock.now - settleStart.0).seconds
            result.values[.idleCPU] = idleCPUPerSecond * 1_000
        }
        self.logger.debug("connected", metadata: ["bench.worker": "\(name)"])

        // Warm-up (not recorded).
        _ = try await Self.sendFiller(slack: slack, count: self.parameters.warmUpCount, rate: 1_000, base: 1_000_000)
        _ = try? await slack.waitForAcknowledgedEnvelopes(count: self.parameters.warmUpCount, timeout: .seconds(30))

        // Ack latency at 500/s.
        let latency = try await self.ackOnlyScenario(
            slack: slack, count: self.parameters.latencyCount, rate: self.parameters.latencyRate, base: 1_100_000,
            timeout: .seconds(60), label: "\(name): latency scenario", into: &result)
        result.values[.ackP50] = Statistics.percentile(latency.milliseconds, 0.50)
        result.values[.ackP99] = Statistics.percentile(latency.milliseconds, 0.99)
        result.values[.ackMax] = latency.milliseconds.max()

        // End to end.
        if self.worker.repliesToAlerts {
            try await self.endToEnd(slack: slack, name: name, into: &result)
        }

        guard self.heavy else { return }

        // Soak: RSS growth and CPU per 10,000 envelopes.
        try await self.quiesce(process, idleCPUPerSecond: idleCPUPerSecond)
        let rssBefore = process.residentBytes
        let cpuBefore = process.cpuSeconds
        let soak = try await self.ackOnlyScenario(
            slack: slack, count: self.parameters.soakCount, rate: self.parameters.soakRate, base: 1_200_000,
            timeout: .seconds(180), label: "\(name): soak", into: &result)
        try await self.quiesce(process, idleCPUPerSecond: idleCPUPerSecond)
        let cpuAfter = process.cpuSeconds
        try await Task.sleep(for: .milliseconds(500))
        let rssAfter = process.residentBytes
        if let cpuBefore, let cpuAfter, soak.acked > 0 {
            // Per envelope actually acked: a worker that lost envelopes did less work.
            result.values[.cpuPer10k] = (cpuAfter - cpuBefore) * 10_000 / Double(soak.acked)
        }
        result.values[.rssBeforeSoak] = rssBefore.map(Self.mebibytes)
        result.values[.rssAfterSoak] = rssAfter.map(Self.mebibytes)
        if let rssBefore, let rssAfter { result.values[.rssGrowth] = Self.mebibytes(rssAfter - rssBefore) }

        // Burst.
        slack.resetRecords()
        let burstStart = ContinuousClock.now
        let burstIDs = try await Self.sendFiller(
            slack: slack,
            count: self.parameters.burstCount,
            rate: nil,
            base: 1_300_000
        )
        let burst = await self.collectAcks(slack: slack, expected: burstIDs.count, timeout: .seconds(120))
        result.values[.burstAcked] = Double(burst.acked)
        result.values[.lost, default: 0] += Double(burstIDs.count - burst.acked)
        let firstWrite = slack.sentEnvelopes().compactMap(\.writtenAt).min() ?? burstStart
        if burst.acked < burstIDs.count {
            let connections = slack.connections().count
            result.notes.append(
                "\(name): burst acked only \(burst.acked) of \(burstIDs.count) (no ack for 15 s, or 120 s passed); "
                    + "\(connections) Socket Mode connection(s) were opened in this run; see the worker log"
            )
        } else if let lastRead = burst.lastReadAt {
            result.values[.burstRate] = Double(burst.acked) / (lastRead - firstWrite).seconds
        }
        result.values[.burstMax] = burst.milliseconds.max()
        let deadline = self.parameters.slackAckDeadline.milliseconds
        result.values[.burstLate] = Double(burst.milliseconds.filter { $0 > deadline }.count)

        // Alert load with instant posts (the control), then with every post taking 2 s.
        if self.worker.repliesToAlerts {
            try await self.quiesce(process, idleCPUPerSecond: idleCPUPerSecond)
            try await self.alertLoad(
                slack: slack,
                name: name,
                delay: nil,
                firstAlert: self.parameters.endToEndCount,
                into: &result
            )
            try await self.quiesce(process, idleCPUPerSecond: idleCPUPerSecond)
            try await self.alertLoad(
                slack: slack,
                name: name,
                delay: self.parameters.slowPostDelay,
                firstAlert: self.parameters.endToEndCount + self.parameters.slowAlertCount,
                into: &result
            )
        }
    }

    /// 40 alerts at 8/s over the 20 alert channels; e2e = envelope written → chat.postMessage (in that thread) read.
    private func endToEnd(slack: SlackSimulator, name: String, into result: inout Result) async throws {
        slack.resetRecords()
        let count = self.parameters.endToEndCount
        let alerts = try await Self.postAlerts(
            slack: slack,
            session: self.index,
            count: count,
            rate: self.parameters.endToEndRate,
            firstIndex: 0
        )
        _ = try? await slack.waitForCalls(method: "chat.postMessage", count: count, timeout: .seconds(30))
        let latencies = Self.endToEndLatencies(slack: slack, alerts: alerts)
        result.values[.e2eP50] = Statistics.percentile(latencies, 0.50)
        result.values[.e2eP99] = Statistics.percentile(latencies, 0.99)
        result.values[.e2eMissing] = Double(count - latencies.count)
        if latencies.count < count {
            result.notes.append("\(name): \(count - latencies.count) of \(count) alerts got no thread reply within 30 s")
        }
    }

    /// 100 alerts alongside ack-only traffic, with chat.postMessage answered at once (`delay == nil`, the control)
    /// or after 2 s. Records ack p50/p99/max over all envelopes of the scenario and, with the delay, how many
    /// replies arrived within 30 s more.
    private func alertLoad(
        slack: SlackSimulator,
        name: String,
        delay: Duration?,
        firstAlert: Int,
        into result: inout Result
    ) async throws {
        slack.setPostMessageDelay(delay)
        defer { slack.setPostMessageDelay(nil) }
        slack.resetRecords()
        let parameters = self.parameters
        async let filler = Self.sendFiller(
            slack: slack,
            count: parameters.slowFillerCount,
            rate: parameters.slowFillerRate,
            base: delay == nil ? 1_400_000 : 1_500_000
        )
        async let alerts = Self.postAlerts(
            slack: slack,
            session: self.index,
            count: parameters.slowAlertCount,
            rate: parameters.slowAlertRate,
            firstIndex: firstAlert
        )
        let expected = try await filler.count + alerts.count
        let acks = await self.collectAcks(slack: slack, expected: expected, timeout: .seconds(60))
        let label = delay == nil ? "alert load (instant posts)" : "alert load (slow posts)"
        result.values[.lost, default: 0] += Double(expected - acks.acked)
        if acks.acked < expected {
            result.notes.append("\(name): \(label) acked \(acks.acked) of \(expected)")
        }
        let (p50, p99, max): (Metric, Metric, Metric) =
            delay == nil ? (.controlP50, .controlP99, .controlMax) : (.slowP50, .slowP99, .slowMax)
        result.values[p50] = Statistics.percentile(acks.milliseconds, 0.50)
        result.values[p99] = Statistics.percentile(acks.milliseconds, 0.99)
        result.values[max] = acks.milliseconds.max()
        let replies =
            (try? await slack.waitForCalls(
                method: "chat.postMessage",
                count: parameters.slowAlertCount,
                timeout: .seconds(30)
            ))?.count ?? slack.calls(method: "chat.postMessage").count
        if delay == nil {
            if replies < parameters.slowAlertCount {
                result.notes.append("\(name): \(label): \(replies) of \(parameters.slowAlertCount) replies in 30 s")
            }
        } else {
            result.values[.slowReplies] = Double(replies)
        }
    }

    // MARK: Helpers

    /// Sends `count` people's messages at `rate` (after clearing the records) and collects their acks; envelopes
    /// never acked count as lost and are noted as "`label` acked N of M".
    private func ackOnlyScenario(
        slack: SlackSimulator,
        count: Int,
        rate: Double,
        base: Int,
        timeout: Duration,
        label: String,
        into result: inout Result
    ) async throws -> AckSample {
        slack.resetRecords()
        let ids = try await Self.sendFiller(slack: slack, count: count, rate: rate, base: base)
        let sample = await self.collectAcks(slack: slack, expected: ids.count, timeout: timeout)
        result.values[.lost, default: 0] += Double(ids.count - sample.acked)
        if sample.acked < ids.count {
            result.notes.append("\(label) acked \(sample.acked) of \(ids.count)")
        }
        return sample
    }

    /// Sends `count` people's messages in the unwatched channel; returns the envelope ids.
    static func sendFiller(slack: SlackSimulator, count: Int, rate: Double?, base: Int) async throws -> [String] {
        let secondsBase = Int(Date().timeIntervalSince1970) - base
        return try await slack.sendEventsAPIBatch(count: count, rate: rate) { index in
            BenchEvents.humanMessage(index, base: secondsBase)
        }
    }

    /// Posts `count` Alertmanager alerts of bench session `session` round-robin over the alert channels at `rate`;
    /// returns (channel, ts).
    static func postAlerts(
        slack: SlackSimulator,
        session: Int,
        count: Int,
        rate: Double,
        firstIndex: Int
    ) async throws -> [(channel: String, ts: String)] {
        var posted: [(channel: String, ts: String)] = []
        let start = ContinuousClock.now
        for offset in 0..<count {
            let due = start + .nanoseconds(Int64(Double(offset) / rate * 1e9))
            try await Task.sleep(until: due, tolerance: .microseconds(100), clock: .continuous)
            let index = firstIndex + offset
            let channel = BenchEvents.alertChannels[index % BenchEvents.alertChannels.count]
            let ts = try slack.postAsBot(
                channel: channel,
                fieldsJSON: BenchEvents.alertmanagerPost(session: session, index: index)
            )
            posted.append((channel, ts))
        }
        return posted
    }

    /// Acks of one scenario: first-ack latencies (ms) and the last read time.
    private struct AckSample {
        var acked: Int
        var milliseconds: [Double]
        var lastReadAt: ContinuousClock.Instant?
    }

    /// Waits until `expected` envelopes are acked, `timeout` passes, or no ack arrives for 15 s (a worker that lost
    /// envelopes; the simulator does not redeliver during the bench), then reads the acks.
    private func collectAcks(slack: SlackSimulator, expected: Int, timeout: Duration) async -> AckSample {
        let deadline = ContinuousClock.now + timeout
        var lastCount = -1
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now < deadline {
            if (try? await slack.waitForAcknowledgedEnvelopes(count: expected, timeout: .seconds(1))) != nil { break }
            let count = slack.acknowledgedEnvelopeCount
            if count != lastCount {
                lastCount = count
                lastProgress = ContinuousClock.now
            } else if ContinuousClock.now - lastProgress > .seconds(15) {
                break
            }
        }
        let acks = slack.acks().filter { !$0.isDuplicate && !$0.isUnknown }
        return AckSample(
            acked: slack.acknowledgedEnvelopeCount,
            milliseconds: acks.compactMap { $0.latency?.milliseconds },
            lastReadAt: acks.map(\.readAt).max()
        )
    }

    /// Envelope write → first chat.postMessage read in the alert's thread, in ms, for alerts that got one.
    static func endToEndLatencies(slack: SlackSimulator, alerts: [(channel: String, ts: String)]) -> [Double] {
        var replyReadAt: [String: ContinuousClock.Instant] = [:]
        for call in slack.calls(method: "chat.postMessage") {
            guard let channel = call.params["channel"], let thread = call.params["thread_ts"] else { continue }
            let key = channel + " " + thread
            if replyReadAt[key] == nil { replyReadAt[key] = call.receivedAt }
        }
        let envelopes = slack.sentEnvelopes()
        var latencies: [Double] = []
        for alert in alerts {
            guard let replied = replyReadAt[alert.channel + " " + alert.ts],
                let written = envelopes.first(where: {
                    $0.text.contains("\"ts\":\"\(alert.ts)\"") && $0.text.contains(alert.channel)
                })?.writtenAt
            else { continue }
            latencies.append((replied - written).milliseconds)
        }
        return latencies
    }

    /// Waits until the process uses no more CPU than when idle (+10 ms per 500 ms), so queued handler work is
    /// done before CPU and RSS are read; at most 30 s.
    private func quiesce(_ process: WorkerProcess, idleCPUPerSecond: Double) async throws {
        let limit = ContinuousClock.now + .seconds(30)
        let allowance = idleCPUPerSecond * 0.5 + 0.01
        var previous = process.cpuSeconds ?? 0
        while ContinuousClock.now < limit {
            try await Task.sleep(for: .milliseconds(500))
            guard let now = process.cpuSeconds else { return }
            if now - previous <= allowance { return }
            previous = now
        }
    }

    /// Bytes in MiB.
    static func mebibytes(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }
}
