import Foundation
import Testing
import AlertInvestigation
import AlertReading
import VigilBase
import VigilStorage

@Suite("Investigation message")
struct InvestigationMessageTests {
    typealias F = InvestigationFixtures

    @Test("the open investigation has header, fields, sections, checks and four buttons")
    func openLayout() throws {
        let probes = [
            ProbeResult(name: "disk", outcome: .succeeded(.exitCode(0)), duration: .milliseconds(400), output: "ok\n"),
            ProbeResult(
                name: "health",
                outcome: .failed(.httpStatus(503)),
                duration: .milliseconds(1_200),
                output: "down"
            ),
            ProbeResult(name: "slow", outcome: .timedOut, duration: .seconds(10)),
            ProbeResult(name: "restart", outcome: .awaitingApproval),
        ]
        let message = InvestigationMessage.investigation(
            F.facts(related: [F.related(1)], probeResults: probes),
            options: F.options
        )
        F.expectWithinSlackLimits(message)

        #expect(F.headerText(message) == "🔴 HighMemoryUsage — firing")
        #expect(message.blocks[1]["type"]?.stringValue == "section")
        let fields = message.blocks[1]["fields"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(fields.contains("*Source*\nalertmanager"))
        #expect(fields.contains("*Severity*\n🔴 critical"))
        #expect(fields.contains("*Status*\nfiring · incident open"))
        #expect(fields.contains("*Host*\nweb-1"))
        #expect(fields.contains("*Service*\nnode-exporter"))
        #expect(fields.contains("*env*\nprod"))
        #expect(fields.contains("*instance*\nweb-1:9100"))

        let texts = F.mrkdwnTexts(message.blocks)
        #expect(texts.contains("*History*\n3rd time in 24 h · 7 in 7 d · last resolved 2 h ago after 14 min"))
        #expect(texts.contains("⚠️ *Flapping*: flipped 6× in 30 min — further flaps will not re-investigate"))
        #expect(
            texts.contains {
                $0.hasPrefix(
                    "*Related*\n• 🟡 <https://slack.com/archives/C0OTHER/p1749999000000001|DiskFull-1> · open · same `host=web-1` · 5 min ago"
                )
            }
        )
        #expect(texts.contains("*Runbook*\n• <https://runbooks.example/memory|Memory runbook>"))
        #expect(texts.contains("*Checks* — 1 passed · 2 failed · 1 awaiting approval"))
        #expect(texts.contains("✅ *disk* · 400 ms · exit 0\n```\nok\n```"))
        #expect(texts.contains("❌ *health* · 1.2 s · HTTP 503\n```\ndown\n```"))
        #expect(texts.contains("⏱ *slow* · timed out after 10 s"))
        #expect(texts.contains("✋ *restart* · awaiting approval"))
        #expect(texts.contains { $0.hasPrefix("Incident `INC-42` · `alertmanager:HighMemoryUsage") })

        let buttons = F.buttons(message)
        #expect(buttons.map(\.actionID) == ["vigil_ack", "vigil_resolve", "vigil_silence_1h", "vigil_rerun"])
        #expect(buttons.map(\.text) == ["Acknowledge", "Resolve", "Silence 1h", "Re-run"])
        #expect(buttons.allSatisfy { $0.value == "INC-42" })
        #expect(InvestigationMessage.ActionID.acknowledge == "vigil_ack")
        #expect(
            F.blocks(ofType: "actions", in: message.blocks).first?["block_id"]?.stringValue
                == InvestigationMessage.actionsBlockID
        )

        #expect(message.text == "🔴 HighMemoryUsage — firing (critical) on web-1 · 3rd time in 24 h · 2 checks failed")
    }

    @Test("the message survives huge inputs within every Slack limit")
    func hugeInputs() throws {
        var labels: [String: String] = [:]
        for index in 0..<1_000 { labels["label_\(index)"] = String(repeating: "v", count: 3_000) }
        let longName = String(repeating: "N", count: 500)
        let alert = F.alert(
            name: longName,
            labels: labels,
            host: String(repeating: "h", count: 5_000),
            service: String(repeating: "s", count: 5_000),
            summary: String(repeating: "summary & <text> ", count: 1_000)
        )
        let related = (0..<100).map { F.related($0, name: String(repeating: "R", count: 500)) }
        let bigOutput = (0..<2_000).map { "line \($0) <&> " + String(repeating: "x", count: 20) }.joined(
            separator: "\n"
        )
        #expect(bigOutput.utf8.count > 50_000)
        let probes = (0..<100).map {
            ProbeResult(
                name: String(repeating: "p", count: 500) + "\($0)",
                outcome: .failed(.exitCode(1)),
                duration: .seconds(1),
                output: bigOutput,
                truncatedBytes: 1_000_000
            )
        }
        let links = (0..<100).map {
            AlertLink(label: String(repeating: "L", count: 500), url: "https://runbooks.example/\($0)")
        }
        let facts = F.facts(alert: alert, related: related, probeResults: probes, runbookLinks: links)

        for message in [
            InvestigationMessage.investigation(facts, options: F.options),
            InvestigationMessage.acknowledgedUpdate(facts, options: F.options),
            InvestigationMessage.resolvedUpdate(facts, options: F.options),
        ] {
            F.expectWithinSlackLimits(message)
            let header = try #require(F.headerText(message))
            #expect(header.hasSuffix("…"))
            // Exactly five related alerts are listed, with the overflow counted.
            let relatedText = try #require(F.mrkdwnTexts(message.blocks).first { $0.hasPrefix("*Related*") })
            #expect(relatedText.hasPrefix("*Related* (5 of 100)"))
            #expect(relatedText.components(separatedBy: "\n• ").count - 1 == 5)
            #expect(relatedText.hasSuffix("… and 95 more"))
            // The hidden labels are counted in the footer.
            #expect(F.mrkdwnTexts(message.blocks).contains { $0.contains("996 more labels not shown") })
            // Probe output is cut with a visible marker and the dropped bytes are reported.
            #expect(F.mrkdwnTexts(message.blocks).contains { $0.contains("more lines") })
            #expect(
                F.mrkdwnTexts(message.blocks).contains { $0.contains("1000000 more bytes of output were not captured") }
            )
            #expect(F.mrkdwnTexts(message.blocks).contains { $0.hasPrefix("… and 80 more checks:") })
        }
    }

    @Test(
        "text from the alert is escaped everywhere it lands in mrkdwn",
        arguments: ["<!channel>", "<@U1>", "<!here|here>", "<!subteam^S123>", "Tom & Jerry > <#C1|general>"]
    )
    func escaping(_ hostile: String) throws {
        let alert = F.alert(
            name: "Disk \(hostile)",
            labels: ["env": hostile, "team": "a\(hostile)"],
            host: hostile,
            service: hostile,
            summary: "summary \(hostile)"
        )
        let related = [
            F.related(1, name: hostile),
            F.related(2, name: hostile, permalink: "https://x.slack.com/archives/C1/p1|\(hostile)"),
        ]
        let probes = [
            ProbeResult(
                name: hostile,
                outcome: .failed(.requestFailed(hostile)),
                output: "out \(hostile)\n```\n\(hostile)"
            ),
            ProbeResult(name: "x", outcome: .couldNotStart(reason: hostile)),
        ]
        var facts = F.facts(
            alert: alert,
            related: related,
            probeResults: probes,
            runbookLinks: [AlertLink(label: hostile, url: "https://r.example/?q=\(hostile)")]
        )
        facts.silence = InvestigationFacts.Silence(id: "s1", createdBy: hostile, reason: hostile)
        facts.incident.resolvedBy = .other(hostile)

        let messages = [
            InvestigationMessage.investigation(facts, options: F.options),
            InvestigationMessage.acknowledgedUpdate(facts, options: F.options),
            InvestigationMessage.resolvedUpdate(facts, options: F.options),
        ]
        for message in messages {
            F.expectWithinSlackLimits(message)
            let all = F.allMrkdwn(message)
            #expect(!all.contains(hostile), "raw hostile text in \(all)")
            for token in ["<!channel>", "<!here", "<@U1>", "<!subteam", "<#C1"] {
                #expect(!all.contains(token))
            }
            #expect(
                all.contains(
                    hostile.replacingOccurrences(of: "&", with: "&amp;")
                        .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                )
            )
        }
        let note = InvestigationMessage.resolutionNote(facts, options: F.options)
        #expect(!note.contains(hostile))
    }

    @Test("a bare ampersand becomes &amp; and never stays raw in mrkdwn")
    func ampersand() {
        let message = InvestigationMessage.investigation(
            F.facts(alert: F.alert(name: "Tom & Jerry", labels: [:], summary: "A & B")),
            options: F.options
        )
        let all = F.allMrkdwn(message)
        #expect(all.contains("Tom &amp; Jerry"))
        #expect(all.contains("A &amp; B"))
        #expect(!all.contains("Tom & Jerry"))
        // The header is plain_text, which Slack does not parse: the name appears as written.
        #expect(F.headerText(message) == "🔴 Tom & Jerry — firing")
    }

    @Test("related links: derived from channel and ts, from the workspace URL, or the permalink")
    func relatedLinks() throws {
        let related = [
            F.related(1),
            F.related(2, permalink: "https://acme.slack.com/archives/C0OTHER/p1749999000000002?thread_ts=1"),
        ]
        let plain = InvestigationMessage.investigation(F.facts(related: related), options: F.options)
        let text = try #require(F.mrkdwnTexts(plain.blocks).first { $0.hasPrefix("*Related*") })
        #expect(text.contains("<https://slack.com/archives/C0OTHER/p1749999000000001|DiskFull-1>"))
        #expect(text.contains("<https://acme.slack.com/archives/C0OTHER/p1749999000000002?thread_ts=1|DiskFull-2>"))

        var options = F.options
        options.workspaceURL = "https://acme.slack.com/"
        let workspace = InvestigationMessage.investigation(F.facts(related: [F.related(1)]), options: options)
        let workspaceText = try #require(F.mrkdwnTexts(workspace.blocks).first { $0.hasPrefix("*Related*") })
        #expect(workspaceText.contains("<https://acme.slack.com/archives/C0OTHER/p1749999000000001|DiskFull-1>"))

        var malformed = F.related(3)
        malformed.rootTS = "not-a-ts"
        let noLink = InvestigationMessage.investigation(F.facts(related: [malformed]), options: F.options)
        let noLinkText = try #require(F.mrkdwnTexts(noLink.blocks).first { $0.hasPrefix("*Related*") })
        #expect(noLinkText.contains("• 🟡 DiskFull-3 · open"))
    }

    @Test("acknowledged update shows who and when, and drops the Acknowledge button")
    func acknowledged() throws {
        let facts = F.facts(status: .acknowledged)
        let message = InvestigationMessage.acknowledgedUpdate(facts, options: F.options)
        F.expectWithinSlackLimits(message)
        #expect(F.headerText(message) == "🔴 HighMemoryUsage — acknowledged")
        let epoch = Int(F.now.timeIntervalSince1970) - 600
        #expect(
            F.mrkdwnTexts(message.blocks).contains(
                "👀 Acknowledged by <@U0ACK> at <!date^\(epoch)^{date_short_pretty} {time}|2025-06-15 14:56 UTC>"
            )
        )
        #expect(F.buttons(message).map(\.actionID) == ["vigil_resolve", "vigil_silence_1h", "vigil_rerun"])
        #expect(message.text == "👀 HighMemoryUsage — acknowledged by <@U0ACK>")
        // investigation() picks the variant from the incident status.
        #expect(InvestigationMessage.investigation(facts, options: F.options) == message)
    }

    @Test("resolved update shows duration and resolver, with only Re-run")
    func resolved() throws {
        let facts = F.facts(status: .resolved)
        let message = InvestigationMessage.resolvedUpdate(facts, options: F.options)
        F.expectWithinSlackLimits(message)
        #expect(F.headerText(message) == "✅ HighMemoryUsage — resolved")
        let epoch = Int(F.now.timeIntervalSince1970)
        #expect(
            F.mrkdwnTexts(message.blocks).contains {
                $0.contains(
                    "✅ Resolved after 14 min by the source's edit at <!date^\(epoch)^{date_short_pretty} {time}|2025-06-15 15:06 UTC>"
                )
            }
        )
        let buttons = F.buttons(message)
        #expect(buttons.map(\.actionID) == ["vigil_rerun"])
        #expect(buttons.first?.value == "INC-42")
        #expect(message.text == "✅ HighMemoryUsage — resolved after 14 min")
        #expect(InvestigationMessage.investigation(facts, options: F.options) == message)
    }

    @Test("resolution note names the resolver")
    func resolutionNote() {
        var facts = F.facts(status: .resolved)
        #expect(
            InvestigationMessage.resolutionNote(facts, options: F.options)
                == "✅ Resolved after 14 min (by the source's edit)"
        )
        facts.incident.resolvedBy = .user(id: "U0RES")
        #expect(
            InvestigationMessage.resolutionNote(facts, options: F.options) == "✅ Resolved after 14 min (by <@U0RES>)"
        )
        facts.incident.resolvedBy = .sourceMessage
        #expect(
            InvestigationMessage.resolutionNote(facts, options: F.options)
                == "✅ Resolved after 14 min (by a resolved notification from the source)"
        )
        facts.incident.resolvedBy = nil
        facts.incident.resolvedAt = F.now.addingTimeInterval(2 * 3_600)
        #expect(InvestigationMessage.resolutionNote(facts, options: F.options) == "✅ Resolved after 2 h 14 min")
        // A user id that is not a Slack id is shown as escaped text, never as a mention.
        facts.incident.resolvedBy = .user(id: "<!channel>")
        #expect(
            InvestigationMessage.resolutionNote(facts, options: F.options)
                == "✅ Resolved after 2 h 14 min (by &lt;!channel&gt;)"
        )
    }

    @Test("history variants, no flapping section when not flapping, silence and storm notices")
    func optionalSections() throws {
        var facts = F.facts()
        facts.history = InvestigationFacts.History(
            occurrencesLast24Hours: 1,
            occurrencesLast7Days: 1,
            meanTimeToResolve: .seconds(1_320)
        )
        facts.flapping = InvestigationFacts.Flapping(transitions: 2, window: .seconds(1_800), isFlapping: false)
        facts.silence = InvestigationFacts.Silence(
            id: "s1",
            createdBy: "U0SIL",
            expiresAt: F.now.addingTimeInterval(3_600),
            reason: "maintenance"
        )
        facts.storm = InvestigationFacts.Storm(alertCount: 37, window: .seconds(60), repliesPaused: true)
        let message = InvestigationMessage.investigation(facts, options: F.options)
        F.expectWithinSlackLimits(message)
        let texts = F.mrkdwnTexts(message.blocks)
        #expect(texts.contains("*History*\nFirst time in 7 d · mean time to resolve 22 min"))
        #expect(!texts.contains { $0.contains("Flapping") })
        #expect(
            texts.contains { $0.hasPrefix("🔕 Silenced by <@U0SIL> until <!date^") && $0.hasSuffix(" — maintenance") }
        )
        #expect(
            texts.contains("🌩️ Alert storm: 37 alerts in the last 1 min in this channel; per-alert replies are paused")
        )

        facts.history = nil
        facts.probeResults = []
        facts.runbookLinks = []
        let bare = InvestigationMessage.investigation(facts, options: F.options)
        F.expectWithinSlackLimits(bare)
        let bareTexts = F.mrkdwnTexts(bare.blocks)
        #expect(bareTexts.contains("*History*\nNo history recorded for this alert yet."))
        #expect(
            !bareTexts.contains { $0.hasPrefix("*Checks*") || $0.hasPrefix("*Runbook*") || $0.hasPrefix("*Related*") }
        )
    }

    @Test("probe output cannot break out of its code block, and control codes are removed")
    func outputFencing() throws {
        let probe = ProbeResult(
            name: "fence",
            outcome: .failed(.signal(9)),
            duration: .milliseconds(5),
            output: "a```b\n\u{1B}[31mred\u{1B}[0m\r\n````\n\u{07}bell"
        )
        let message = InvestigationMessage.investigation(F.facts(probeResults: [probe]), options: F.options)
        F.expectWithinSlackLimits(message)
        let section = try #require(F.mrkdwnTexts(message.blocks).first { $0.hasPrefix("❌ *fence*") })
        #expect(section.hasPrefix("❌ *fence* · 5 ms · killed by signal 9\n```\n"))
        #expect(section.components(separatedBy: "```").count == 3)
        #expect(section.contains("\nred\n"))
        #expect(!section.contains("\u{1B}"))
        #expect(section.contains("\u{FFFD}bell"))
    }

    @Test("storm summary groups by name with counts, worst severity and latest link")
    func stormSummary() throws {
        var entries: [AlertStormDigest.Entry] = []
        for index in 0..<12 {
            entries.append(
                .init(
                    name: "HighCPU",
                    severity: index == 5 ? .critical : .warning,
                    status: .firing,
                    rootTS: "1750000000.\(100_000 + index)"
                )
            )
        }
        for index in 0..<3 {
            entries.append(
                .init(
                    name: "DiskFull <!channel>",
                    severity: .high,
                    status: index == 0 ? .resolved : .firing,
                    rootTS: "1750000001.\(100_000 + index)"
                )
            )
        }
        entries.append(
            .init(
                name: "Ping",
                severity: .info,
                status: .firing,
                rootTS: "1750000002.000001",
                permalink: "https://acme.slack.com/archives/C0ALERTS/p1750000002000001"
            )
        )
        let message = InvestigationMessage.stormSummary(
            AlertStormDigest(channelID: "C0ALERTS", window: .seconds(60), entries: entries),
            options: F.options
        )
        F.expectWithinSlackLimits(message)
        #expect(F.headerText(message) == "🌩️ Alert storm: 16 alerts in 1 min")
        let texts = F.mrkdwnTexts(message.blocks)
        let list = try #require(texts.first { $0.hasPrefix("🔴 *HighCPU*") })
        let lines = list.components(separatedBy: "\n")
        #expect(
            lines == [
                "🔴 *HighCPU* ×12 · worst critical · <https://slack.com/archives/C0ALERTS/p1750000000100011|latest>",
                "🟠 *DiskFull &lt;!channel&gt;* ×3 · worst high · 2 firing · <https://slack.com/archives/C0ALERTS/p1750000001100002|latest>",
                "🔵 *Ping* ×1 · worst info · <https://acme.slack.com/archives/C0ALERTS/p1750000002000001|latest>",
            ]
        )
        #expect(!F.allMrkdwn(message).contains("<!channel>"))
        #expect(message.text.hasPrefix("🌩️ Alert storm: 16 alerts in 1 min in this channel (3 distinct names)"))
    }

    @Test("storm summary stays within limits for thousands of alerts and hundreds of names")
    func hugeStorm() throws {
        let entries = (0..<5_000).map {
            AlertStormDigest.Entry(
                name: "Alert-\($0 % 500)-" + String(repeating: "n", count: 300),
                severity: .warning,
                status: .firing,
                rootTS: "1750000000.\(100_000 + $0)"
            )
        }
        let message = InvestigationMessage.stormSummary(
            AlertStormDigest(channelID: "C0ALERTS", window: .seconds(60), entries: entries),
            options: F.options
        )
        F.expectWithinSlackLimits(message)
        #expect(F.mrkdwnTexts(message.blocks).contains { $0.contains("… and 460 more names (4600 alerts)") })
    }
}
