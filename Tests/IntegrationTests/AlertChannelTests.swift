import AlertReading
import Vigil
import Foundation
import SlackSimulator
import Testing
import AlertInvestigation
import VigilBase
import VigilDaemon
import VigilStorage

/// The alert-channel pipeline and the conversation layer end to end: the real worker (``VigilApplication``: shim,
/// libcurl, store, monitor, router, conversations) against the Slack simulator on 127.0.0.1.
///
/// "Nothing happened" is asserted after the router's ``EventOutcome`` for that very post, never after a sleep; the
/// other facts Slack cannot show are awaited as ``WorkerActivity`` values; every other wait is resumed by the
/// simulator when the expected call arrives.
@Suite(.serialized)
struct AlertChannelTests {
    typealias Harness = VigilWorkerHarness

    // MARK: - Alerts

    @Test(.timeLimit(.minutes(2)))
    func botPostInWatchedChannelGetsOneInvestigationReply() async throws {
        try await Harness.run { harness in
            let ts = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage", severity: "critical"))
            let replies = try await harness.waitForReplies(thread: ts, timeout: .seconds(5))
            let text = replies[0].allText
            #expect(text.contains("HighMemoryUsage"))
            #expect(text.contains("firing"))
            #expect(text.contains("critical"))
            #expect(harness.incidentID(of: replies[0]) != nil)
            try await harness.waitUntilHandled(ts, outcome: .message(.newAlertPost))
            #expect(try harness.vigilReplies(thread: ts).count == 1)
            #expect(try harness.vigilPosts().isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func personsPostIsLeftAlone() async throws {
        try await Harness.run { harness in
            let ts = try harness.simulator.postAsUser(channel: Harness.alerts, user: Harness.alice,
                                                      text: "[FIRING:1] is anyone looking at the database?")
            try await harness.waitUntilHandled(ts, outcome: .message(.humanMessage(threadRootTS: nil)))
            #expect(harness.simulator.calls(method: "chat.postMessage").isEmpty)
            #expect(harness.simulator.calls(method: "reactions.add").isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func botPostInUnwatchedChannelIsLeftAlone() async throws {
        try await Harness.run { harness in
            let ts = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"), in: Harness.ops)
            try await harness.waitUntilHandled(ts, outcome: .message(.notWatched))
            #expect(harness.simulator.calls(method: "chat.postMessage").isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func vigilsOwnPostsAreLeftAlone() async throws {
        var simulator = SlackSimulator.Configuration()
        simulator.echoBotPostsAsEvents = true  // Slack echoes an app's own posts to it
        try await Harness.run(simulator: simulator) { harness in
            // An alert-looking top-level post by Vigil's own bot user.
            let own = try harness.postAlert(
                #"{"user":"U0SIMBOT","bot_id":"B0SIMBOT","app_id":"A0SIMAPP","text":"[FIRING:1] LooksLikeAnAlert (db-01)"}"#)
            try await harness.waitUntilHandled(own, outcome: .message(.ownMessage))
            #expect(harness.simulator.calls(method: "chat.postMessage").isEmpty)

            // The echo of Vigil's own investigation reply.
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            let replies = try await harness.waitForReplies(thread: alert)
            try await harness.waitUntilHandled(replies[0].ts, outcome: .message(.ownMessage))
            #expect(try harness.vigilReplies(thread: alert).count == 1)
            #expect(harness.okCalls("chat.postMessage").count == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func redeliveredEventIsAnsweredOnce() async throws {
        try await Harness.run { harness in
            let ts = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            try await harness.waitForReplies(thread: ts)
            let (eventID, event) = try harness.sentEvent(for: ts)
            try harness.simulator.sendEventsAPI(event: event, eventID: eventID, retryAttempt: 1)
            let dropped = await harness.activity.firstEvent(timeout: .seconds(10)) {
                $0.eventID == eventID && $0.disposition == .redelivery
            }
            #expect(dropped != nil)
            #expect(try harness.vigilReplies(thread: ts).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func eventRedeliveredAfterRestartIsAnsweredOnce() async throws {
        try await Harness.run { harness in
            let ts = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            try await harness.waitForReplies(thread: ts)
            let (eventID, event) = try harness.sentEvent(for: ts)

            try await harness.stopWorker()
            try await harness.startWorker()
            try harness.simulator.sendEventsAPI(event: event, eventID: eventID, retryAttempt: 2)
            let dropped = await harness.activity.firstEvent(timeout: .seconds(10)) {
                $0.eventID == eventID && $0.disposition == .handledBeforeRestart
            }
            #expect(dropped != nil)
            #expect(try harness.vigilReplies(thread: ts).count == 1)
            #expect(harness.okCalls("chat.postMessage").count == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func resolvingEditAddsCheckmarkAndNoteWithoutNewInvestigation() async throws {
        let kernel = RunbookRuleConfiguration(
            name: "hosts",
            probes: [ProbeConfiguration(name: "kernel", action: .command(executable: "/bin/uname", arguments: ["-s"]))])
        try await Harness.run(runbooks: [kernel]) { harness in
            let ts = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            let investigation = try await harness.waitForReplies(thread: ts)[0]
            try harness.simulator.editMessage(channel: Harness.alerts, ts: ts,
                                              fieldsJSON: TestAlerts.alertmanagerResolvedEdit("HighMemoryUsage"))
            try await harness.waitForCheckmark(on: ts)
            let replies = try await harness.waitForReplies(thread: ts, count: 2)
            #expect(replies[1].allText.contains("Resolved"))
            #expect(investigation.allText.contains("Linux"))
            try await harness.waitForUpdates(of: investigation.ts)
            let updated = try #require(harness.simulator.message(channel: Harness.alerts, ts: investigation.ts)).allText
            #expect(updated.contains("HighMemoryUsage — resolved"))
            #expect(updated.contains("Linux"), "the resolved investigation keeps its check output")
            try await harness.waitUntilHandled(ts, outcome: .message(.alertStateChange(rootTS: ts, kind: .edit)))
            #expect(try harness.vigilReplies(thread: ts).count == 2)
            #expect(try harness.vigilPosts().isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func flappingAlertIsFlaggedOnceAndNotReinvestigated() async throws {
        // Default tuning: flapping at 4 firing↔resolved flips within an hour.
        try await Harness.run { harness in
            var firings: [String] = []
            for round in 1...5 {
                let firing = try harness.postAlert(TestAlerts.alertmanager("DiskLatency"))
                firings.append(firing)
                if round <= 3 {
                    let investigation = try await harness.waitForReplies(thread: firing)[0]
                    #expect(investigation.allText.contains("Flapping") == (round == 3), "round \(round)")
                } else {
                    // The flap is recorded inside the handling the router reports as done.
                    try await harness.waitUntilHandled(firing, outcome: .message(.newAlertPost))
                    #expect(harness.flapsRecorded == round - 3)
                    #expect(try harness.vigilReplies(thread: firing).isEmpty, "round \(round)")
                }
                let resolved = try harness.postAlert(TestAlerts.alertmanager("DiskLatency", status: "RESOLVED"))
                try await harness.waitForCheckmark(on: firing)
                try await harness.waitUntilHandled(resolved)
                if round == 3 {
                    let flagged = try #require(try harness.vigilReplies(thread: firing).first)
                    try await harness.waitForUpdates(of: flagged.ts)
                    let updated = try #require(harness.simulator.message(channel: Harness.alerts, ts: flagged.ts)).allText
                    #expect(updated.contains("DiskLatency — resolved"))
                    #expect(updated.contains("Flapping"), "the resolved investigation still says it was flapping")
                }
            }
            #expect(harness.flapsRecorded == 2)
            let flagged = try harness.simulator.messages(in: Harness.alerts)
                .filter { harness.isVigil($0) && $0.allText.contains("Flapping") }
            #expect(flagged.count == 1)
            #expect(harness.okCalls("chat.postMessage").filter { $0.body.contains("Flapping") }.count == 1)
            #expect(try firings.map { try harness.vigilReplies(thread: $0).filter { $0.allText.contains("Incident") }.count } == [1, 1, 1, 0, 0])
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func relatedAlertInAnotherWatchedChannelIsLinked() async throws {
        try await Harness.run(alertChannels: [Harness.alerts, Harness.ops]) { harness in
            let first = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage", instance: "db-07:9100"))
            try await harness.waitForReplies(thread: first)
            let second = try harness.postAlert(TestAlerts.grafana("DiskWillFillIn4Hours", instance: "db-07:9100"),
                                               in: Harness.ops)
            let investigation = try await harness.waitForReplies(in: Harness.ops, thread: second)[0].allText
            #expect(investigation.contains("Related"))
            #expect(investigation.contains("HighMemoryUsage"))
            #expect(investigation.contains("/archives/\(Harness.alerts)/p\(first.replacing(".", with: ""))"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aRelatedAlertOfAPrivateChannelIsNotNamedElsewhere() async throws {
        let secret = "G0SIMPRIVALERTS"
        var simulator = SlackSimulator.Configuration()
        simulator.channels.append(SimulatedChannel(id: secret, name: "db-private-alerts", isPrivate: true))
        try await Harness.run(simulator: simulator, alertChannels: [Harness.alerts, secret]) { harness in
            let hidden = try harness.postAlert(TestAlerts.alertmanager("PrivateMemoryAlarm", instance: "db-09:9100"), in: secret)
            try await harness.waitForReplies(in: secret, thread: hidden)
            let visible = try harness.postAlert(TestAlerts.grafana("DiskWillFillIn4Hours", instance: "db-09:9100"))
            let investigation = try await harness.waitForReplies(thread: visible)[0].allText
            #expect(!investigation.contains("PrivateMemoryAlarm"), "\(investigation)")
            #expect(!investigation.contains(secret))
            // In its own (private) channel, the public alert may be named.
            let again = try harness.postAlert(TestAlerts.alertmanager("PrivateSwapAlarm", instance: "db-09:9100"), in: secret)
            let privateInvestigation = try await harness.waitForReplies(in: secret, thread: again)[0].allText
            #expect(privateInvestigation.contains("DiskWillFillIn4Hours"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func alertStormPostsOneSummaryAndStopsPerAlertReplies() async throws {
        try await Harness.run(limits: LimitsConfiguration(stormThreshold: 3)) { harness in
            for index in 1...3 {
                let ts = try harness.postAlert(TestAlerts.alertmanager("StormAlert\(index)", instance: "node-\(index):9100"))
                try await harness.waitForReplies(thread: ts)
            }
            let fourth = try harness.postAlert(TestAlerts.alertmanager("StormAlert4", instance: "node-4:9100"))
            let summary = try await harness.waitUntil("the storm summary", method: "chat.postMessage") {
                try harness.vigilPosts().first
            }
            try await harness.waitUntilHandled(fourth)
            #expect(summary.allText.contains("StormAlert4"))

            for index in 5...6 {
                let ts = try harness.postAlert(TestAlerts.alertmanager("StormAlert\(index)", instance: "node-\(index):9100"))
                try await harness.waitForUpdates(of: summary.ts, count: index - 4)
                try await harness.waitUntilHandled(ts)
            }
            #expect(try harness.vigilPosts().count == 1)
            let updated = try #require(harness.simulator.message(channel: Harness.alerts, ts: summary.ts))
            #expect(updated.allText.contains("StormAlert6"))
            let replies = try harness.simulator.messages(in: Harness.alerts).filter { $0.isThreadReply && harness.isVigil($0) }
            #expect(replies.count == 3)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func alertsPostedWhileOfflineAreCaughtUpOnceAfterRestart() async throws {
        var simulator = SlackSimulator.Configuration()
        simulator.maxRetries = 0  // Slack gives up on the events: only conversations.history can bring them back
        try await Harness.run(simulator: simulator) { harness in
            let before = try harness.postAlert(TestAlerts.alertmanager("BeforeOutage"))
            try await harness.waitForReplies(thread: before)

            try await harness.stopWorker()
            let missed = [
                try harness.postAlert(TestAlerts.alertmanager("MissedOne", instance: "web-01:9100")),
                try harness.postAlert(TestAlerts.alertmanager("MissedTwo", instance: "web-02:9100")),
            ]
            #expect(harness.simulator.abandonedEventIDs().count == 2)

            try await harness.startWorker()
            for ts in missed {
                let replies = try await harness.waitForReplies(thread: ts)
                #expect(replies.count == 1)
            }
            #expect(try harness.vigilReplies(thread: before).count == 1)
            let posts = harness.okCalls("chat.postMessage")
            #expect(posts.count == 3, "\(posts.map { "\($0.params["channel"] ?? "-") \($0.params["thread_ts"] ?? "-") \($0.params["text"] ?? "")" })")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func investigationThatSlackRefusedIsPostedAfterARestart() async throws {
        try await Harness.run { harness in
            harness.simulator.injectFault(.slackError("fatal_error"), method: "chat.postMessage", channel: Harness.alerts)
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            _ = try await harness.waitUntil("the refused investigation post", method: "chat.postMessage") {
                harness.simulator.calls(method: "chat.postMessage").first { !$0.answeredOK }
            }
            try await harness.waitUntilHandled(alert, outcome: .message(.newAlertPost))
            #expect(try harness.vigilReplies(thread: alert).isEmpty)

            // Not read again by catch-up (its post is behind the channel's cursor): resumed as an owed investigation.
            try await harness.stopWorker()
            try await harness.startWorker()
            let replies = try await harness.waitForReplies(thread: alert)
            #expect(replies[0].allText.contains("HighMemoryUsage"))
            // Owed once: a further restart does not post it again.
            try await harness.stopWorker()
            try await harness.startWorker()
            #expect(try harness.vigilReplies(thread: alert).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func anInvestigationWhoseAnswerWasLostIsFoundInTheThreadNotPostedAgain() async throws {
        try await Harness.run { harness in
            // Slack stores the reply, then the connection drops before its answer: delivery uncertain.
            harness.simulator.injectFault(.dropConnectionAfterReading, method: "chat.postMessage", channel: Harness.alerts)
            let alert = try harness.postAlert(TestAlerts.alertmanager("LostAnswer"))
            let investigation = try await harness.waitForReplies(thread: alert)[0]
            let found = try #require(await harness.activity.first(timeout: .seconds(10)) { activity -> WorkerActivity? in
                if case .lostAnswerFound = activity { activity } else { nil }
            })
            guard case .lostAnswerFound(_, let foundTS, let kind) = found else { return }
            #expect(foundTS == investigation.ts)
            #expect(kind == .investigation)
            try await harness.waitUntilHandled(alert, outcome: .message(.newAlertPost))

            // It is on record: a restart owes nothing, and the resolution updates that very message.
            try await harness.stopWorker()
            try await harness.startWorker()
            try harness.postAlert(TestAlerts.alertmanager("LostAnswer", status: "RESOLVED"))
            try await harness.waitForUpdates(of: investigation.ts)
            let replies = try await harness.waitForReplies(thread: alert, count: 2)
            #expect(replies.count == 2 && replies[1].allText.contains("Resolved"))
            // The dropped post (stored, no answer) and the note; a 429 and its retry are one effect.
            #expect(harness.simulator.calls(method: "chat.postMessage").filter { $0.answeredOK || $0.fault != nil }.count == 2,
                    "the investigation once, then the note")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func reconnectWhileANewAlertIsAnsweredResumesOnlyWhatIsOwed() async throws {
        try await Harness.run { harness in
            // An owed investigation: Slack refuses the first post.
            harness.simulator.injectFault(.slackError("fatal_error"), method: "chat.postMessage", channel: Harness.alerts)
            let owed = try harness.postAlert(TestAlerts.alertmanager("DiskFull"))
            try await harness.waitUntilHandled(owed, outcome: .message(.newAlertPost))
            // The next alert's reply is answered after 4 s, the owed one's resumed reply after 8 s: the new alert's
            // investigation ends while the resume is still busy with the owed one.
            harness.simulator.injectFault(.delay(.seconds(4)), method: "chat.postMessage", channel: Harness.alerts)
            harness.simulator.injectFault(.delay(.seconds(8)), method: "chat.postMessage", channel: Harness.alerts)
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            // Its reply is applied on arrival, the answer held: its investigation is under way.
            try await harness.waitForReplies(thread: alert)

            // Every connection cut: the reconnect catches up, then resumes the owed investigations.
            for connection in harness.simulator.liveConnections() { try harness.simulator.cutTCP(connection.id) }
            let summary = await harness.activity.first(timeout: .seconds(30)) { activity -> WorkerActivity? in
                if case .owedInvestigationsLookedAt = activity { activity } else { nil }
            }
            let looked = try #require(summary, "the resume after the reconnect ran")
            guard case .owedInvestigationsLookedAt(let resumed, _, _) = looked else { return }
            #expect(resumed == 1, "\(looked)")
            #expect(try harness.vigilReplies(thread: owed).count == 1)
            #expect(try harness.vigilReplies(thread: alert).count == 1, "the in-flight alert was not investigated again")
            try await harness.waitUntilHandled(alert, outcome: .message(.newAlertPost))
            #expect(try harness.vigilReplies(thread: alert).count == 1)
        }
    }

    // MARK: - Conversations

    @Test(.timeLimit(.minutes(2)))
    func mentionCommandIsAnsweredInTheAlertThread() async throws {
        try await Harness.run { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            try await harness.waitForReplies(thread: alert)
            let question = try harness.simulator.postAsUser(channel: Harness.alerts, user: Harness.alice,
                                                            text: "<@U0SIMBOT> status", threadTS: alert)
            let replies = try await harness.waitForReplies(thread: alert, count: 2)
            #expect(replies[1].ts > question)
            #expect(replies[1].allText.contains("HighMemoryUsage"))
            #expect(replies[1].allText.contains("incident"))
            try await harness.waitUntilHandled(question, outcome: .mention)
            #expect(try harness.vigilReplies(thread: alert).count == 2)
            #expect(try harness.vigilPosts().isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func directMessageCommandIsAnswered() async throws {
        try await Harness.run { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            try await harness.waitForReplies(thread: alert)
            try harness.simulator.postAsUser(channel: Harness.aliceDM, user: Harness.alice, text: "alerts")
            let answer = try await harness.waitUntil("Vigil's answer in the DM", method: "chat.postMessage") {
                try harness.vigilPosts(in: Harness.aliceDM).first
            }
            #expect(answer.allText.contains("Open incidents"))
            #expect(answer.allText.contains("HighMemoryUsage"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func watchCommandPersistsAcrossRestart() async throws {
        try await Harness.run { harness in
            let command = try harness.simulator.sendSlashCommand(command: "/vigil", text: "watch <#C0SIMOPS|ops>",
                                                                 userID: Harness.alice, channelID: Harness.alerts)
            let ack = try await harness.simulator.waitForAck(envelopeID: command.envelopeID)
            #expect(ack.payloadJSON?.contains("Now watching") == true)

            let first = try harness.postAlert(TestAlerts.alertmanager("OpsAlert"), in: Harness.ops)
            try await harness.waitForReplies(in: Harness.ops, thread: first)

            try await harness.stopWorker()
            try await harness.startWorker()  // the configuration still names only #alerts
            let second = try harness.postAlert(TestAlerts.alertmanager("OpsAlertAgain", instance: "db-02:9100"), in: Harness.ops)
            try await harness.waitForReplies(in: Harness.ops, thread: second)

            let channels = try harness.simulator.sendSlashCommand(command: "/vigil", text: "channels",
                                                                  userID: Harness.alice, channelID: Harness.alerts)
            let listing = try await harness.simulator.waitForAck(envelopeID: channels.envelopeID)
            #expect(listing.payloadJSON?.contains("C0SIMOPS") == true)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func acknowledgeButtonChangesTheIncidentAndTheMessage() async throws {
        try await Harness.run { harness in
            let alert = try harness.postAlert(TestAlerts.alertmanager("HighMemoryUsage"))
            let investigation = try await harness.waitForReplies(thread: alert)[0]
            let incidentID = try #require(harness.incidentID(of: investigation))
            try harness.simulator.sendBlockActions(
                actionID: InvestigationMessage.ActionID.acknowledge, value: incidentID,
                blockID: InvestigationMessage.actionsBlockID, userID: Harness.alice, channelID: Harness.alerts,
                messageTS: investigation.ts)
            try await harness.waitForUpdates(of: investigation.ts)
            let updated = try #require(harness.simulator.message(channel: Harness.alerts, ts: investigation.ts))
            #expect(updated.allText.contains("Acknowledged by <@U0SIMALICE>"))
            #expect(!updated.allText.contains(InvestigationMessage.ActionID.acknowledge))

            let status = try harness.simulator.sendSlashCommand(command: "/vigil", text: "status",
                                                                userID: Harness.alice, channelID: Harness.alerts)
            let ack = try await harness.simulator.waitForAck(envelopeID: status.envelopeID)
            #expect(ack.payloadJSON?.contains("Open incidents: 1 (1 acknowledged)") == true)
        }
    }
}
