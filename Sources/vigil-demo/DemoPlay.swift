import Foundation
import SlackSimulator
import AlertInvestigation
import Vigil
import VigilBase

/// The scripted day of `vigil-demo`: what the monitoring bots and the on-call person do in `#alerts`, what Vigil is
/// expected to do after each step, and the transcript of it all.
///
/// Each step waits for Vigil's effect with the simulator's event-driven waits (`waitForCalls`, `waitForAck`,
/// `waitForLiveConnections`); the only effect Slack cannot show — a flapping alert recorded without a new
/// investigation — is awaited on the worker's ``WorkerActivityLog``. A missing effect throws ``DemoScript/Failure``
/// naming it.
struct DemoPlay: Sendable {
    /// `#alerts` in the simulated workspace.
    static let alerts = "C0SIMALERTS"
    /// Alice, the on-call person of the demo.
    static let alice = "U0SIMALICE"
    /// Bob, who approves risky runbook steps.
    static let bob = "U0SIMBOB"

    /// What the day produced, for the closing paragraph.
    struct Summary: Sendable {
        var alertPosts: Int
        var investigations: Int
        var flaggedFlapping: [String]
        var resolved: Int
        var questionsAnswered: Int
        var slashCommandsAnswered: Int
        var buttonPresses: Int
        var approvals: Int

        /// The closing paragraph.
        func paragraph(openIncidents: Int, acknowledged: Int, seconds: Double) -> String {
            "Summary: Vigil saw \(alertPosts) alert posts in #alerts (5 different alerts from Alertmanager, Grafana, "
                + "Zabbix, CloudWatch and Uptime Kuma) and posted \(investigations) investigations in their threads, "
                + "with history, related alerts, the runbook link and the check's output. It flagged "
                + "\(flaggedFlapping.joined(separator: " and ")) as flapping once and recorded the next flap without "
                + "investigating it again. "
                + "\(resolved) incidents were resolved by their sources (Zabbix by editing its post, Uptime Kuma by "
                + "new posts), each marked with ✅ and a note in the thread; \(openIncidents) incidents are still open "
                + "(\(acknowledged) acknowledged with the button). Vigil answered \(questionsAnswered) question in a "
                + "thread, \(slashCommandsAnswered) slash command and \(buttonPresses) button press, and ran "
                + "\(approvals) runbook step only after its approver said yes in plain words. The whole day "
                + "took \(String(format: "%.1f", seconds)) s."
        }
    }

    private let simulator: SlackSimulator
    private let activity: WorkerActivityLog
    private let timeout: Duration
    private let output: @Sendable (String) -> Void
    private let transcript: DemoTranscript

    /// - Parameters:
    ///   - simulator: the running simulator the worker is connected to.
    ///   - activity: what the worker reports it did.
    ///   - timeout: how long each expected effect may take.
    ///   - output: receives the transcript line by line.
    init(simulator: SlackSimulator, activity: WorkerActivityLog, timeout: Duration,
         output: @escaping @Sendable (String) -> Void) {
        self.simulator = simulator
        self.activity = activity
        self.timeout = timeout
        self.output = output
        let configuration = simulator.configuration
        var users = Dictionary(uniqueKeysWithValues: configuration.users.map { ($0.id, $0.name) })
        users[configuration.botUserID] = configuration.botUserName
        transcript = DemoTranscript(
            userNames: users,
            channelNames: Dictionary(uniqueKeysWithValues: configuration.channels.map { ($0.id, $0.name) }),
            vigilUserID: configuration.botUserID,
            vigilBotID: configuration.botID
        )
    }

    // MARK: - The day

    /// Plays every step.
    /// - Returns: what the day produced.
    /// - Throws: ``DemoScript/Failure`` when an expected effect did not appear in time.
    func run() async throws -> Summary {
        do {
            try await simulator.waitForLiveConnections(count: 2, timeout: timeout)
        } catch {
            throw DemoScript.Failure(description: "Vigil did not open its 2 Socket Mode connections within \(seconds(timeout)) s")
        }
        // The first catch-up sets Vigil's starting point in #alerts; the day starts after it.
        _ = try await waitUntil("Vigil's first catch-up on #alerts (conversations.history)", method: "conversations.history") {
            simulator.calls(method: "conversations.history").first
        }
        output("Vigil is connected (2 Socket Mode connections) and watching #alerts.")

        step(1, "Alertmanager: HighMemoryUsage fires on db-01")
        let memory = try await postAlert(DemoAlerts.alertmanagerFiring)
        let memoryInvestigation = try await expectInvestigation(under: memory, of: "HighMemoryUsage")

        step(2, "Grafana: the disk of the same host is filling up")
        let disk = try await postAlert(DemoAlerts.grafanaFiring)
        _ = try await expectInvestigation(under: disk, of: "DiskWillFillIn4Hours")

        step(3, "Zabbix: high CPU on web-03")
        let cpu = try await postAlert(DemoAlerts.zabbixProblem)
        let cpuInvestigation = try await expectInvestigation(under: cpu, of: "High CPU utilization")

        step(4, "CloudWatch: api-5xx-rate goes into ALARM (its runbook has a restart step that needs approval)")
        let api = try await postAlert(DemoAlerts.cloudWatchAlarm)
        _ = try await expectInvestigation(under: api, of: "api-5xx-rate")
        let approvalDM = try await expectApprovalRequest(under: api)

        step(5, "Uptime Kuma: Checkout API is down")
        let checkout1 = try await postAlert(DemoAlerts.uptimeKumaDown)
        _ = try await expectInvestigation(under: checkout1, of: "Checkout API")

        step(6, "Zabbix: the CPU recovered; Zabbix edits its problem post to the resolved form")
        _ = try simulator.editMessage(channel: Self.alerts, ts: cpu.ts, fieldsJSON: DemoAlerts.zabbixResolvedEdit)
        try printEdit(of: cpu.ts)
        try await expectResolution(of: cpu, named: "High CPU utilization", investigation: cpuInvestigation)

        step(7, "Uptime Kuma: Checkout API is up again")
        _ = try await postAlert(DemoAlerts.uptimeKumaUp)
        try await expectResolution(of: checkout1, named: "Checkout API", investigation: nil)

        step(8, "Uptime Kuma: Checkout API is down again (it flips: Vigil flags it as flapping)")
        let checkout2 = try await postAlert(DemoAlerts.uptimeKumaDown)
        let flagged = try await expectInvestigation(under: checkout2, of: "Checkout API")
        guard text(of: flagged).contains("Flapping") else {
            throw DemoScript.Failure(description: "the second Checkout API investigation does not flag the alert as flapping")
        }

        step(9, "Uptime Kuma: up again, then down again a minute later")
        _ = try await postAlert(DemoAlerts.uptimeKumaUp)
        try await expectResolution(of: checkout2, named: "Checkout API", investigation: nil)
        let checkout3 = try await postAlert(DemoAlerts.uptimeKumaDown)
        let checkout3TS = checkout3.ts
        let flapRecorded = await activity.first(timeout: timeout) { activity -> Bool? in
            if case .flapRecorded(_, _, checkout3TS) = activity { true } else { nil }
        }
        guard flapRecorded != nil else {
            throw DemoScript.Failure(description: "Vigil did not record the third Checkout API flap within \(seconds(timeout)) s")
        }
        let quietReplies = try vigilReplies(under: checkout3.ts)
        guard quietReplies.isEmpty else {
            throw DemoScript.Failure(description: "Vigil investigated the flapping Checkout API again instead of staying quiet")
        }
        note("(Vigil records this flap without a new investigation: Checkout API was already flagged as flapping.)")

        step(10, "alice asks Vigil in the HighMemoryUsage thread")
        let question = "<@\(simulator.configuration.botUserID)> has this happened before, and is anything else alerting on db-01?"
        let questionTS = try simulator.postAsUser(channel: Self.alerts, user: Self.alice, text: question, threadTS: memory.ts)
        if let asked = simulator.message(channel: Self.alerts, ts: questionTS) { printReply(asked, indent: 4) }
        let answer = try await waitUntil("Vigil's answer to alice's question", method: "chat.postMessage") {
            try vigilReplies(under: memory.ts).first { $0.ts > questionTS }
        }
        printReply(answer, indent: 4)

        step(11, "alice runs /vigil status in #alerts")
        output("alice: /vigil status")
        let command = try simulator.sendSlashCommand(command: "/vigil", text: "status", userID: Self.alice, channelID: Self.alerts)
        try await expectSlashAnswer(command)

        step(12, "alice presses Acknowledge on the HighMemoryUsage investigation")
        try await pressAcknowledge(on: memoryInvestigation)

        step(13, "bob answers the approval request in his DM with Vigil")
        try await approveByMessage(approvalDM, alert: api)

        return try summary(flaggedFlapping: ["Checkout API"])
    }

    // MARK: - Steps

    private func step(_ number: Int, _ title: String) {
        output("")
        output("── \(number). \(title) " + String(repeating: "─", count: max(3, 96 - title.count)))
    }

    private func note(_ text: String) {
        output("    " + text)
    }

    /// Posts a monitoring-bot message in #alerts and prints it.
    private func postAlert(_ fieldsJSON: String) async throws -> SimulatedMessage {
        let ts = try simulator.postAsBot(channel: Self.alerts, fieldsJSON: fieldsJSON)
        guard let post = simulator.message(channel: Self.alerts, ts: ts) else {
            throw DemoScript.Failure(description: "the simulator lost the post \(ts)")
        }
        printPost(post)
        return post
    }

    /// Waits for Vigil's investigation reply in the alert's thread, checks it names the alert, and prints it.
    private func expectInvestigation(under post: SimulatedMessage, of name: String) async throws -> SimulatedMessage {
        let reply = try await waitUntil("Vigil's investigation of \(name)", method: "chat.postMessage") {
            try vigilReplies(under: post.ts).first
        }
        guard text(of: reply).contains(name) else {
            throw DemoScript.Failure(description: "Vigil's reply under \(name) does not name the alert: \(text(of: reply))")
        }
        printReply(reply, indent: 4)
        return reply
    }

    /// Waits for the ✅ reaction on the alert post and the resolution note in its thread (and, when the post had
    /// an investigation, its update), and prints them.
    private func expectResolution(of post: SimulatedMessage, named name: String, investigation: SimulatedMessage?) async throws {
        let repliesBefore = try vigilReplies(under: post.ts).count
        _ = try await waitUntil("the ✅ reaction on the \(name) post", method: "reactions.add") {
            simulator.reactions(channel: Self.alerts, ts: post.ts).contains("white_check_mark") ? true : nil
        }
        note("✅ Vigil reacted to the \(name) post from \(describe(post)).")
        let resolutionNote = try await waitUntil("Vigil's resolution note under \(name)", method: "chat.postMessage") {
            try vigilReplies(under: post.ts).dropFirst(repliesBefore).first { text(of: $0).contains("Resolved") }
        }
        printReply(resolutionNote, indent: 4)
        guard let investigation else { return }
        let updated = try await waitUntil("the update of the \(name) investigation", method: "chat.update") {
            simulator.calls(method: "chat.update").contains { $0.params["ts"] == investigation.ts }
                ? simulator.message(channel: Self.alerts, ts: investigation.ts) : nil
        }
        let headline = transcript.body(of: json(of: updated)).first ?? ""
        note("✎ Vigil updated its investigation: \(headline)")
    }

    /// Waits for the proposal of the gated step in the alert's thread and the request in the approver's DM, and
    /// prints both. Returns the DM.
    private func expectApprovalRequest(under post: SimulatedMessage) async throws -> SimulatedMessage {
        let proposal = try await waitUntil("Vigil's approval proposal in the thread", method: "chat.postMessage") {
            try vigilReplies(under: post.ts).first { text(of: $0).contains("Approval needed") }
        }
        printReply(proposal, indent: 4)
        let request = try await waitUntil("the approval request in bob's DM", method: "chat.postMessage") {
            () throws -> SimulatedMessage? in
            guard let channel = simulator.directMessageChannel(with: Self.bob) else { return nil }
            return try simulator.messages(in: channel).first(where: isVigil)
        }
        output("    Vigil, in a DM to bob (opened with conversations.open):")
        for line in transcript.body(of: json(of: request)) { output("        " + line) }
        return request
    }

    /// Bob approves in plain words, replying in the thread of the request (a bare "ok" elsewhere decides nothing);
    /// waits for the step's result in the alert's thread and the DM's update.
    private func approveByMessage(_ request: SimulatedMessage, alert: SimulatedMessage) async throws {
        let reply = "lgtm, go ahead"
        output("bob, replying in the thread of that DM: \(reply)")
        _ = try simulator.postAsUser(channel: request.channel, user: Self.bob, text: reply, threadTS: request.ts)
        let result = try await waitUntil("the approved step's result in the api-5xx-rate thread", method: "chat.postMessage") {
            try vigilReplies(under: alert.ts).first { text(of: $0).contains("Ran `restart-api`") }
        }
        printReply(result, indent: 4)
        let closed = try await waitUntil("the approval DM to show the decision", method: "chat.update") {
            simulator.message(channel: request.channel, ts: request.ts).flatMap {
                text(of: $0).contains("Approved by") ? $0 : nil
            }
        }
        note("✎ Vigil updated the request in bob's DM and in the thread: "
            + (transcript.body(of: json(of: closed)).last ?? ""))
    }

    /// Waits for the slash command's answer (in the ack, or through `response_url` when it was slow) and prints it.
    private func expectSlashAnswer(_ command: SentSlashCommand) async throws {
        let ack: RecordedAck
        do {
            ack = try await simulator.waitForAck(envelopeID: command.envelopeID, timeout: timeout)
        } catch {
            throw DemoScript.Failure(description: "Vigil did not acknowledge /vigil status within \(seconds(timeout)) s")
        }
        var answer = ack.payloadJSON.map(DemoTranscript.parse) ?? .null
        var via = "in the ack"
        if answer["text"] == nil && answer["blocks"] == nil {
            let call = try await waitUntil("Vigil's answer to /vigil status through its response_url", method: "response_url") {
                simulator.calls(method: "response_url").first { command.responseURL.hasSuffix($0.uri) }
            }
            answer = DemoTranscript.parse(call.body)
            via = "through the response_url"
        }
        let lines = transcript.body(of: answer, complete: true)
        guard lines.contains(where: { $0.contains("Vigil status") }) else {
            throw DemoScript.Failure(description: "the /vigil status answer is not a status report: \(lines.joined(separator: " / "))")
        }
        output("    Vigil (only visible to alice; sent \(via)):")
        for line in lines { output("        " + line) }
    }

    /// Presses Acknowledge on an investigation as alice and waits for the message to show it.
    private func pressAcknowledge(on investigation: SimulatedMessage) async throws {
        guard let incidentID = buttonValue(in: investigation, actionID: InvestigationMessage.ActionID.acknowledge) else {
            throw DemoScript.Failure(description: "the HighMemoryUsage investigation has no Acknowledge button")
        }
        output("alice pressed [Acknowledge] (incident \(incidentID))")
        let updatesBefore = simulator.calls(method: "chat.update").filter { $0.params["ts"] == investigation.ts }.count
        try simulator.sendBlockActions(
            actionID: InvestigationMessage.ActionID.acknowledge, value: incidentID,
            blockID: InvestigationMessage.actionsBlockID, userID: Self.alice, channelID: Self.alerts,
            messageTS: investigation.ts)
        let updated = try await waitUntil("the HighMemoryUsage investigation to show the acknowledgement", method: "chat.update") {
            simulator.calls(method: "chat.update").filter { $0.params["ts"] == investigation.ts }.count > updatesBefore
                ? simulator.message(channel: Self.alerts, ts: investigation.ts) : nil
        }
        guard text(of: updated).contains("Acknowledged by") else {
            throw DemoScript.Failure(description: "the updated investigation does not say who acknowledged it")
        }
        note("✎ Vigil updated its investigation in the HighMemoryUsage thread:")
        for line in transcript.body(of: json(of: updated)) { output("        " + line) }
    }

    private func summary(flaggedFlapping: [String]) throws -> Summary {
        let messages = try simulator.messages(in: Self.alerts)
        let posts = messages.filter { !$0.isThreadReply && !isVigil($0) }
        let investigations = messages.filter { $0.isThreadReply && isVigil($0) && buttonValue(in: $0, actionID: InvestigationMessage.ActionID.rerun) != nil }
        return Summary(
            alertPosts: posts.count,
            investigations: investigations.count,
            flaggedFlapping: flaggedFlapping,
            resolved: posts.filter { $0.reactions.contains("white_check_mark") }.count,
            questionsAnswered: 1,
            slashCommandsAnswered: 1,
            buttonPresses: 1,
            approvals: 1
        )
    }

    // MARK: - Waiting

    /// Returns `find()` as soon as it is non-`nil` (``SlackSimulator/waitUntil(_:method:timeout:_:)``); a missing
    /// effect becomes a ``DemoScript/Failure`` naming it.
    private func waitUntil<T>(_ what: String, method: String, _ find: () throws -> T?) async throws -> T {
        do {
            return try await simulator.waitUntil(what, method: method, timeout: timeout, find)
        } catch let error as SlackSimulatorError where error.code == .timedOut {
            throw DemoScript.Failure(description: "\(what) did not appear within \(seconds(timeout)) s")
        }
    }

    // MARK: - Reading and printing

    private func isVigil(_ message: SimulatedMessage) -> Bool {
        message.user == simulator.configuration.botUserID || message.botID == simulator.configuration.botID
    }

    private func vigilReplies(under ts: String) throws -> [SimulatedMessage] {
        try simulator.threadReplies(channel: Self.alerts, threadTS: ts).filter(isVigil)
    }

    private func json(of message: SimulatedMessage) -> JSONValue {
        DemoTranscript.parse(message.jsonText)
    }

    private func text(of message: SimulatedMessage) -> String {
        transcript.body(of: json(of: message)).joined(separator: "\n")
    }

    /// The `value` of the button with `actionID` in a message's blocks (the incident id for Vigil's buttons).
    private func buttonValue(in message: SimulatedMessage, actionID: String) -> String? {
        for block in json(of: message)["blocks"]?.arrayValue ?? [] where block["type"]?.stringValue == "actions" {
            for element in block["elements"]?.arrayValue ?? [] where element["action_id"]?.stringValue == actionID {
                return element["value"]?.stringValue
            }
        }
        return nil
    }

    /// "AlertManager (bot)", for references to earlier posts.
    private func describe(_ post: SimulatedMessage) -> String {
        transcript.author(of: json(of: post))
    }

    private func printPost(_ post: SimulatedMessage) {
        let message = json(of: post)
        output("#alerts · \(transcript.author(of: message)):")
        for line in transcript.body(of: message) { output("    " + line) }
    }

    private func printReply(_ reply: SimulatedMessage, indent: Int) {
        let message = json(of: reply)
        let pad = String(repeating: " ", count: indent)
        output(pad + "↳ \(transcript.author(of: message)), in the thread:")
        for line in transcript.body(of: message) { output(pad + "    " + line) }
    }

    private func printEdit(of ts: String) throws {
        guard let edited = simulator.message(channel: Self.alerts, ts: ts) else { return }
        let message = json(of: edited)
        output("#alerts · \(transcript.author(of: message)) edited its post:")
        for line in transcript.body(of: message) { output("    edited: " + line) }
    }

    private func seconds(_ duration: Duration) -> String {
        "\(duration.components.seconds)"
    }
}
