import Foundation
import Logging
import ServiceLifecycle
import SlackSimulator
import Synchronization
import Testing
import Vigil
import VigilBase
import VigilDaemon

/// The whole worker — ``VigilApplication`` with its libwebsockets transport, libcurl driver, store, alert
/// pipeline and conversation layer — running in-process against a ``SlackSimulator`` on 127.0.0.1, on a state
/// directory that survives ``stopWorker()``/``startWorker()`` (a restart).
///
/// Use ``run(simulator:alertChannels:limits:permissions:runbooks:connections:_:)``: it starts both, runs the test body and
/// always cleans up.
final class VigilWorkerHarness: Sendable {
    static let alerts = "C0SIMALERTS"
    static let ops = "C0SIMOPS"
    static let aliceDM = "D0SIMALICE"
    static let alice = "U0SIMALICE"
    static let bob = "U0SIMBOB"

    let simulator: SlackSimulator
    /// Warnings and errors the worker logged (reported when a test fails).
    let logs = LogRecorder()
    /// What the worker reports it did (event outcomes, recovery steps), across restarts: what the tests wait on.
    let activity = WorkerActivityLog()
    let stateDirectory: String
    private let configuration: DaemonConfiguration
    private let connections: Int
    private let running = Mutex<Running?>(nil)

    private struct Running: Sendable {
        var group: ServiceGroup
        var task: Task<Void, any Error>
    }

    /// The worker as a service of the harness's own group, whose graceful shutdown reaches the worker's group.
    private struct WorkerService: Service {
        let application: VigilApplication

        func run() async throws {
            _ = try await application.run(signals: [], health: HealthBoard())
        }
    }

    private init(simulator: SlackSimulator, configuration: DaemonConfiguration, connections: Int) {
        self.simulator = simulator
        self.configuration = configuration
        self.stateDirectory = configuration.stateDirectory
        self.connections = connections
    }

    /// Starts a simulator (default workspace plus a DM channel with alice) and the worker, runs `body`, then stops
    /// both and deletes the state directory, whatever happened.
    static func run(
        simulator simulatorConfiguration: SlackSimulator.Configuration = SlackSimulator.Configuration(),
        alertChannels: [String] = [alerts],
        limits: LimitsConfiguration = LimitsConfiguration(),
        permissions: PermissionsConfiguration = PermissionsConfiguration(watch: Audience(userIDs: [alice])),
        approvers: [String] = [],
        runbooks: [RunbookRuleConfiguration] = [],
        connections: Int = 2,
        _ body: (VigilWorkerHarness) async throws -> Void
    ) async throws {
        var simulatorConfiguration = simulatorConfiguration
        if !simulatorConfiguration.channels.contains(where: { $0.id == aliceDM }) {
            simulatorConfiguration.channels.append(SimulatedChannel(id: aliceDM, name: "alice", user: alice))
        }
        let simulator = try await SlackSimulator.start(configuration: simulatorConfiguration)
        let stateDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-it-\(UUID().uuidString.prefix(8).lowercased())").path
        let configuration = DaemonConfiguration(
            logLevel: .debug,
            stateDirectory: stateDirectory,
            connections: connections,
            workspaces: [
                WorkspaceConfiguration(
                    name: "test",
                    appToken: SecretValue("xapp-test-vigil"),
                    botToken: SecretValue("xoxb-test-vigil"),
                    apiURL: simulator.apiBaseURL,
                    alertChannels: alertChannels,
                    permissions: permissions,
                    approvers: approvers
                )
            ],
            limits: limits,
            runbooks: runbooks
        )
        let harness = VigilWorkerHarness(simulator: simulator, configuration: configuration, connections: connections)
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            try await harness.startWorker()
            try await body(harness)
        } catch {
            await harness.cleanUp()
            let problems = harness.logs.problems
            if !problems.isEmpty { Issue.record("the worker logged warnings:\n\(problems)") }
            throw error
        }
        await harness.cleanUp()
    }

    // MARK: - Worker lifecycle

    /// Starts a new worker on the state directory and waits until it is live and has started catching up.
    func startWorker() async throws {
        let historyCalls = simulator.calls(method: "conversations.history").count
        let application = VigilApplication(configuration: configuration, environment: [:], logger: logs.logger,
                                           activity: activity)
        var quiet = Logger(label: "vigil.test.group") { _ in SwiftLogNoOpLogHandler() }
        quiet.logLevel = .critical
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: WorkerService(application: application))], gracefulShutdownSignals: [],
            logger: quiet))
        let task = Task { try await group.run() }
        running.withLock { $0 = Running(group: group, task: task) }
        try await simulator.waitForLiveConnections(count: connections, timeout: .seconds(20))
        try await simulator.waitForCalls(method: "conversations.history", count: historyCalls + 1, timeout: .seconds(10))
    }

    /// Stops the worker the way SIGTERM does and waits until the simulator saw its connections close.
    func stopWorker() async throws {
        guard let running = running.withLock({ running in
            defer { running = nil }
            return running
        }) else { return }
        let open = simulator.connections().filter(\.isOpen)
        await running.group.triggerGracefulShutdown()
        try await running.task.value
        for connection in open {
            try await simulator.waitForClose(connection: connection.id, timeout: .seconds(10))
        }
    }

    private func cleanUp() async {
        try? await stopWorker()
        await simulator.shutdown()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    // MARK: - Posting

    /// Posts a monitoring-bot message; returns its ts.
    @discardableResult
    func postAlert(_ fieldsJSON: String, in channel: String = alerts) throws -> String {
        try simulator.postAsBot(channel: channel, fieldsJSON: fieldsJSON)
    }

    // MARK: - Reading

    /// The calls of `method` the simulator answered with `ok: true` (a 429 and its retry are one effect).
    func okCalls(_ method: String) -> [RecordedCall] {
        simulator.calls(method: method).filter(\.answeredOK)
    }

    /// Whether a stored message was written by Vigil.
    func isVigil(_ message: SimulatedMessage) -> Bool {
        message.user == simulator.configuration.botUserID || message.botID == simulator.configuration.botID
    }

    /// Vigil's replies in a thread, oldest first.
    func vigilReplies(in channel: String = alerts, thread ts: String) throws -> [SimulatedMessage] {
        try simulator.threadReplies(channel: channel, threadTS: ts).filter(isVigil)
    }

    /// Vigil's top-level posts in a channel, oldest first.
    func vigilPosts(in channel: String = alerts) throws -> [SimulatedMessage] {
        try simulator.messages(in: channel).filter { !$0.isThreadReply && isVigil($0) }
    }

    // MARK: - Waiting (event-driven: re-checked after each new call of the method, never polled)

    /// Returns `find()` as soon as it is non-`nil` (``SlackSimulator/waitUntil(_:method:timeout:_:)``).
    func waitUntil<T>(
        _ what: String,
        method: String,
        timeout: Duration = .seconds(10),
        _ find: () throws -> T?
    ) async throws -> T {
        try await simulator.waitUntil(what, method: method, timeout: timeout, find)
    }

    /// Waits until Vigil has at least `count` replies in the thread.
    @discardableResult
    func waitForReplies(
        in channel: String = alerts,
        thread ts: String,
        count: Int = 1,
        timeout: Duration = .seconds(10)
    ) async throws -> [SimulatedMessage] {
        try await waitUntil("\(count) Vigil repl(ies) in thread \(ts) of \(channel)", method: "chat.postMessage", timeout: timeout) {
            let replies = try vigilReplies(in: channel, thread: ts)
            return replies.count >= count ? replies : nil
        }
    }

    /// Waits until the ✅ reaction is on a post.
    func waitForCheckmark(in channel: String = alerts, on ts: String) async throws {
        _ = try await waitUntil("✅ on \(ts)", method: "reactions.add") {
            simulator.reactions(channel: channel, ts: ts).contains("white_check_mark") ? true : nil
        }
    }

    /// Waits until Vigil has updated the message `ts` at least `count` times.
    @discardableResult
    func waitForUpdates(of ts: String, count: Int = 1, timeout: Duration = .seconds(10)) async throws -> [RecordedCall] {
        try await waitUntil("\(count) chat.update of \(ts)", method: "chat.update", timeout: timeout) {
            let updates = simulator.calls(method: "chat.update").filter { $0.params["ts"] == ts && $0.answeredOK }
            return updates.count >= count ? updates : nil
        }
    }

    /// Waits until the worker finished handling the event of the message `ts` (the router's ``EventOutcome``).
    /// - Parameters:
    ///   - ts: the post (for an edit, the edited post).
    ///   - outcome: what the event must have been taken for; `nil` accepts any outcome.
    /// - Returns: the outcome.
    /// - Throws: ``WaitFailure`` when no such outcome is recorded within `timeout`.
    @discardableResult
    func waitUntilHandled(
        _ ts: String, outcome: EventOutcome.Disposition? = nil, timeout: Duration = .seconds(10)
    ) async throws -> EventOutcome {
        // By ts, or by the event ids Slack sent for that post (a router that skips an event before decoding it
        // only knows its id).
        let eventIDs = Set(eventIDs(for: ts))
        let handled = await activity.firstEvent(timeout: timeout) { event in
            (event.ts == ts || event.eventID.map(eventIDs.contains) == true)
                && (outcome.map { $0 == event.disposition } ?? true)
        }
        guard let handled else {
            let seen = activity.entries.compactMap(\.event).filter { $0.ts == ts }.map { "\($0.disposition)" }
            let expected = outcome.map { "\($0)" } ?? "anything"
            throw WaitFailure(description: "the worker did not finish handling the event of \(ts) as \(expected) "
                + "within \(timeout); handled as: \(seen)")
        }
        return handled
    }

    /// How many flaps of already-flagged incidents were recorded without a new investigation so far.
    var flapsRecorded: Int {
        activity.entries.count { activity in
            if case .flapRecorded = activity { true } else { false }
        }
    }

    /// The ids of every event Slack sent about the message `ts` (the post, its `app_mention`, edits of it).
    func eventIDs(for ts: String) -> [String] {
        simulator.sentEnvelopes().compactMap { envelope -> String? in
            guard envelope.type == "events_api", let eventID = envelope.eventID,
                  let object = try? JSONSerialization.jsonObject(with: Data(envelope.text.utf8)) as? [String: Any],
                  let event = (object["payload"] as? [String: Any])?["event"] as? [String: Any]
            else { return nil }
            let edited = (event["message"] as? [String: Any])?["ts"] as? String
            return event["ts"] as? String == ts || edited == ts ? eventID : nil
        }
    }

    /// The event id and inner event JSON Slack sent for the message `ts` (to redeliver it).
    func sentEvent(for ts: String) throws -> (eventID: String, eventJSON: String) {
        for envelope in simulator.sentEnvelopes() where envelope.type == "events_api" {
            guard let eventID = envelope.eventID,
                  let object = try JSONSerialization.jsonObject(with: Data(envelope.text.utf8)) as? [String: Any],
                  let event = (object["payload"] as? [String: Any])?["event"] as? [String: Any],
                  event["ts"] as? String == ts, event["type"] as? String == "message"
            else { continue }
            let data = try JSONSerialization.data(withJSONObject: event)
            return (eventID, String(decoding: data, as: UTF8.self))
        }
        throw WaitFailure(description: "no events_api envelope was sent for \(ts)")
    }

    /// The incident id on an investigation's buttons.
    func incidentID(of investigation: SimulatedMessage) -> String? {
        guard let object = investigation.jsonObject(), let blocks = object["blocks"] as? [[String: Any]] else { return nil }
        for block in blocks where block["type"] as? String == "actions" {
            for element in block["elements"] as? [[String: Any]] ?? [] {
                if let value = element["value"] as? String { return value }
            }
        }
        return nil
    }

    /// A wait that ran out.
    struct WaitFailure: Error, CustomStringConvertible {
        var description: String
    }
}

extension SimulatedMessage {
    /// Every string in the stored message (text, blocks, attachments), joined by newlines: what a person could read.
    var allText: String {
        guard let object = jsonObject() else { return text ?? "" }
        var strings: [String] = []
        func collect(_ value: Any) {
            switch value {
            case let string as String: strings.append(string)
            case let array as [Any]: array.forEach(collect)
            case let dictionary as [String: Any]: dictionary.keys.sorted().forEach { collect(dictionary[$0]!) }
            default: break
            }
        }
        collect(object)
        return strings.joined(separator: "\n")
    }
}
