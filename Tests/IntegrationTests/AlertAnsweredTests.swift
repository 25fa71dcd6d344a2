import Foundation
import SlackSimulator
import Testing
import AlertInvestigation
import AlertReading
import CurlHTTP
import SlackSocketMode
import SlackWebClient
import Vigil
import VigilBase
import VigilDaemon
import VigilStorage

/// The promise of an alert channel, end to end: every root post by a bot in a watched channel gets an answer
/// (docs/alert-formats.md, "Every post is answered"), whatever tool wrote it and whether or not its status can be
/// read. Waits are resumed by the simulator when the reply arrives, never by a sleep.
@Suite(.serialized)
struct AlertAnsweredTests {
    typealias Harness = VigilWorkerHarness

    @Test(.timeLimit(.minutes(2)))
    func postWithNoRecognisableStatusOrFormatGetsAReplySayingSo() async throws {
        try await Harness.run { harness in
            let ts = try harness.simulator.postAsBot(
                channel: Harness.alerts, text: "Nightly export for the billing warehouse: 3 files, 41 MB",
                username: "etl-reporter", botID: "B0ETLREPORT")
            let replies = try await harness.waitForReplies(thread: ts, timeout: .seconds(5))
            let text = replies[0].allText
            #expect(text.contains("status not stated"))
            #expect(text.contains("Nightly export"))
            #expect(harness.incidentID(of: replies[0]) != nil)
            try await harness.waitUntilHandled(ts, outcome: .message(.newAlertPost))
            #expect(try harness.vigilReplies(thread: ts).count == 1)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func postWithoutTextIsAnsweredToo() async throws {
        try await Harness.run { harness in
            let ts = try harness.postAlert(
                #"{"subtype":"bot_message","bot_id":"B0SNAPSHOT","username":"grafana-snapshots","text":"","attachments":[{"image_url":"https://img.example.com/panel.png"}]}"#
            )
            let replies = try await harness.waitForReplies(thread: ts, timeout: .seconds(5))
            #expect(replies[0].allText.contains("grafana-snapshots"))
            #expect(replies[0].allText.contains("status not stated"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aTransitionOpensAnIncidentAndItsRecoveryInOtherWordsResolvesIt() async throws {
        try await Harness.run { harness in
            let firing = try harness.simulator.postAsBot(
                channel: Harness.alerts, text: "Check_MK: db-01/Memory OK -> CRIT", username: "Checkmk",
                botID: "B0CHECKMK")
            let investigation = try await harness.waitForReplies(thread: firing, timeout: .seconds(5))[0].allText
            #expect(investigation.contains("db-01/Memory"))
            #expect(investigation.contains("critical"))
            let recovery = try harness.simulator.postAsBot(
                channel: Harness.alerts, text: "Check_MK: db-01/Memory CRIT -> OK", username: "Checkmk",
                botID: "B0CHECKMK")
            try await harness.waitForCheckmark(on: firing)
            try await harness.waitUntilHandled(recovery, outcome: .message(.newAlertPost))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func repeatReplyNamesTheAlertAndItsSeverityInOneLine() async throws {
        try await Harness.run { harness in
            let text = "PROBLEM - app-07 - disk /var is CRITICAL"
            let first = try harness.simulator.postAsBot(
                channel: Harness.alerts, text: text, username: "icinga", botID: "B0ICINGA")
            try await harness.waitForReplies(thread: first, timeout: .seconds(5))
            let again = try harness.simulator.postAsBot(
                channel: Harness.alerts, text: text, username: "icinga", botID: "B0ICINGA")
            let note = try #require(try await harness.waitForReplies(thread: again, timeout: .seconds(5))[0].text)
            #expect(note.contains("app-07 - disk /var"))
            #expect(note.contains("critical"))
            #expect(note.contains("open incident"))
            #expect(!note.contains("\n"))
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aRecoveryOfAnAlertNeverSeenFiringIsAnswered() async throws {
        try await Harness.run { harness in
            let ts = try harness.simulator.postAsBot(
                channel: Harness.alerts, text: "RECOVERY - app-09 - ntp is OK", username: "icinga", botID: "B0ICINGA")
            let note = try await harness.waitForReplies(thread: ts, timeout: .seconds(5))[0].allText
            #expect(note.contains("Resolved"))
            #expect(note.contains("app-09 - ntp"))
        }
    }
}
