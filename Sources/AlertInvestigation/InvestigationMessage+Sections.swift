import AlertReading
import Foundation
import VigilBase

extension InvestigationMessage {
    /// Label keys shown as fields first, when present.
    private static let preferredLabelKeys = [
        "env", "environment", "cluster", "namespace", "region", "zone", "datacenter", "job", "instance", "team",
        "pod", "container", "deployment",
    ]

    /// Builds any of the three investigation variants.
    static func render(_ facts: InvestigationFacts, variant: Variant, options: Options) -> InvestigationMessage {
        let alert = facts.alert
        let name = oneLine(alert.name).isEmpty ? "(unnamed alert)" : oneLine(alert.name)
        var blocks: [JSONValue] = []

        // Header.
        let statusWord = statusWord(facts, variant: variant)
        let headerEmoji = variant == .resolved ? "✅" : emoji(for: alert.severity)
        blocks.append(BlockKit.header("\(headerEmoji) \(name) — \(statusWord)"))

        // Summary and fields.
        let summary = trimmed(alert.summary)
        let (fields, hiddenLabels) = fieldTexts(facts, variant: variant, options: options)
        blocks.append(
            BlockKit.section(summary.isEmpty ? nil : SlackText.escaped(summary, limit: 1_000), fields: fields)
        )

        // Acknowledged / resolved lines.
        var statusLines: [String] = []
        let incident = facts.incident
        if variant != .open, let by = incident.acknowledgedBy {
            var line = "👀 Acknowledged by \(SlackText.user(by))"
            if let at = incident.acknowledgedAt { line += " at \(SlackText.date(at))" }
            statusLines.append(line)
        }
        if variant == .resolved {
            let resolvedAt = incident.resolvedAt ?? options.now
            var line = "✅ Resolved after \(HumanFormat.duration(HumanFormat.between(incident.openedAt, resolvedAt)))"
            if let resolver = incident.resolvedBy { line += " by \(describe(resolver))" }
            line += " at \(SlackText.date(resolvedAt))"
            statusLines.append(line)
        }
        if !statusLines.isEmpty { blocks.append(BlockKit.section(statusLines.joined(separator: "\n"))) }

        // Silence and storm notices.
        var notices: [String] = []
        if let silence = facts.silence {
            var line = "🔕 Silenced"
            if let by = silence.createdBy { line += " by \(SlackText.user(by))" }
            if let until = silence.expiresAt { line += " until \(SlackText.date(until))" }
            if let reason = silence.reason, !reason.isEmpty {
                line += " — \(SlackText.escaped(oneLine(reason), limit: 300))"
            }
            notices.append(line)
        }
        if let storm = facts.storm {
            var line =
                "🌩️ Alert storm: \(HumanFormat.count(storm.alertCount, "alert")) in the last "
                + "\(HumanFormat.duration(storm.window)) in this channel"
            if storm.repliesPaused { line += "; per-alert replies are paused" }
            notices.append(line)
        }
        if !notices.isEmpty { blocks.append(BlockKit.context(notices)) }

        // History.
        blocks.append(BlockKit.section("*History*\n" + historyLine(facts.history, options: options)))

        // Flapping.
        if let flapping = facts.flapping, flapping.isFlapping {
            blocks.append(
                BlockKit.section(
                    "⚠️ *Flapping*: flipped \(flapping.transitions)× in \(HumanFormat.duration(flapping.window))"
                        + " — further flaps will not re-investigate"
                )
            )
        }

        // Related.
        if let related = relatedSection(facts.related, options: options) { blocks.append(related) }

        // Runbook.
        if !facts.runbookLinks.isEmpty {
            let limit = max(0, options.maxRunbookLinks)
            var lines = facts.runbookLinks.prefix(limit).map {
                "• " + SlackText.link(url: $0.url, label: oneLine($0.label))
            }
            if facts.runbookLinks.count > limit { lines.append("… and \(facts.runbookLinks.count - limit) more") }
            blocks.append(BlockKit.section(packLines(header: "*Runbook*", lines: lines)))
        }

        // Checks: the budget keeps the whole message at or below 50 blocks whatever the options say.
        let reserved = blocks.count + 2  // actions + footer
        blocks.append(
            contentsOf: checkBlocks(
                facts.probeResults,
                options: options,
                availableBlocks: SlackText.Limit.blocks - reserved
            )
        )

        // Buttons.
        let id = incident.id
        var buttons: [JSONValue] = []
        switch variant {
        case .open:
            buttons.append(BlockKit.button("Acknowledge", actionID: ActionID.acknowledge, value: id, style: "primary"))
            buttons.append(BlockKit.button("Resolve", actionID: ActionID.resolve, value: id))
            buttons.append(BlockKit.button("Silence 1h", actionID: ActionID.silenceOneHour, value: id))
            buttons.append(BlockKit.button("Re-run", actionID: ActionID.rerun, value: id))
        case .acknowledged:
            buttons.append(BlockKit.button("Resolve", actionID: ActionID.resolve, value: id, style: "primary"))
            buttons.append(BlockKit.button("Silence 1h", actionID: ActionID.silenceOneHour, value: id))
            buttons.append(BlockKit.button("Re-run", actionID: ActionID.rerun, value: id))
        case .resolved:
            buttons.append(BlockKit.button("Re-run", actionID: ActionID.rerun, value: id))
        }
        blocks.append(BlockKit.actions(buttons, blockID: actionsBlockID))

        // Footer.
        let footerID = SlackText.escaped(oneLine(id), limit: 100)
        let footerIdentity = SlackText.escaped(oneLine(alert.identity), limit: 300)
        var footer = "Incident `\(footerID)` · `\(footerIdentity)`"
        if hiddenLabels > 0 { footer += " · \(HumanFormat.count(hiddenLabels, "more label")) not shown" }
        blocks.append(BlockKit.context([footer]))

        return InvestigationMessage(text: fallbackText(facts, variant: variant, options: options), blocks: blocks)
    }

    // MARK: - Pieces

    private static func statusWord(_ facts: InvestigationFacts, variant: Variant) -> String {
        switch variant {
        case .resolved: "resolved"
        case .acknowledged: "acknowledged"
        case .open:
            switch facts.alert.status {
            case .firing where !facts.alert.statusStated: "status not stated, investigated as firing"
            case .firing: "firing"
            case .resolved: "resolved by source"
            case .other: "open"
            }
        }
    }

    private static func incidentWord(_ variant: Variant) -> String {
        switch variant {
        case .open: "open"
        case .acknowledged: "acknowledged"
        case .resolved: "resolved"
        }
    }

    /// The fields of the main section, and how many labels were left out.
    private static func fieldTexts(_ facts: InvestigationFacts, variant: Variant, options: Options) -> ([String], Int) {
        let alert = facts.alert
        func field(_ title: String, _ value: String) -> String {
            "*\(title)*\n" + SlackText.escaped(oneLine(value), limit: 300)
        }
        var fields = [
            field("Source", alert.source.rawValue),
            field("Severity", "\(emoji(for: alert.severity)) \(alert.severity.rawValue)"),
            field("Status", "\(alert.status.rawValue) · incident \(incidentWord(variant))"),
        ]
        if let host = alert.host, !host.isEmpty { fields.append(field("Host", host)) }
        if let service = alert.service, !service.isEmpty { fields.append(field("Service", service)) }

        // Labels already shown elsewhere are not repeated.
        var candidates = alert.labels.filter { key, value in
            if value.isEmpty { return false }
            switch key.lowercased() {
            case "alertname": return value != alert.name
            case "severity": return value.lowercased() != alert.severity.rawValue
            default: return value != alert.host && value != alert.service
            }
        }
        var chosen: [(String, String)] = []
        let room = min(max(0, options.maxLabelFields), SlackText.Limit.fieldsPerSection - fields.count)
        for key in preferredLabelKeys where chosen.count < room {
            if let value = candidates.removeValue(forKey: key) { chosen.append((key, value)) }
        }
        for key in candidates.keys.sorted() where chosen.count < room {
            if let value = candidates.removeValue(forKey: key) { chosen.append((key, value)) }
        }
        for (key, value) in chosen {
            fields.append(
                "*\(SlackText.escaped(oneLine(key), limit: 100))*\n" + SlackText.escaped(oneLine(value), limit: 300)
            )
        }
        return (fields, candidates.count)
    }

    private static func historyLine(_ history: InvestigationFacts.History?, options: Options) -> String {
        guard let history else { return "No history recorded for this alert yet." }
        var parts: [String] = []
        if history.occurrencesLast24Hours <= 1, history.occurrencesLast7Days <= 1 {
            parts.append("First time in 7 d")
        } else {
            parts.append("\(HumanFormat.ordinal(max(1, history.occurrencesLast24Hours))) time in 24 h")
            parts.append("\(history.occurrencesLast7Days) in 7 d")
        }
        if let last = history.lastResolvedAt {
            var part = "last resolved \(HumanFormat.ago(last, now: options.now))"
            if let took = history.lastTimeToResolve { part += " after \(HumanFormat.duration(took))" }
            parts.append(part)
        }
        if let mean = history.meanTimeToResolve { parts.append("mean time to resolve \(HumanFormat.duration(mean))") }
        return parts.joined(separator: " · ")
    }

    private static func relatedSection(_ related: [InvestigationFacts.RelatedAlert], options: Options) -> JSONValue? {
        guard !related.isEmpty else { return nil }
        let limit = max(0, options.maxRelatedAlerts)
        var lines: [String] = []
        for item in related.prefix(limit) {
            let name = oneLine(item.name).isEmpty ? "(unnamed alert)" : oneLine(item.name)
            let title: String
            if let url = SlackText.threadURL(
                channelID: item.channelID,
                rootTS: item.rootTS,
                permalink: item.permalink,
                workspaceURL: options.workspaceURL
            ) {
                title = SlackText.link(url: url, label: name)
            } else {
                title = SlackText.escaped(name, limit: 150)
            }
            let shared = SlackText.escaped(oneLine("\(item.sharedLabelKey)=\(item.sharedLabelValue)"), limit: 120)
            lines.append(
                "• \(emoji(for: item.severity)) \(title) · \(item.status.rawValue) · same `\(shared)` · "
                    + HumanFormat.ago(item.postedAt, now: options.now)
            )
        }
        if related.count > limit { lines.append("… and \(related.count - limit) more") }
        let header = related.count > limit ? "*Related* (\(limit) of \(related.count))" : "*Related*"
        return BlockKit.section(packLines(header: header, lines: lines))
    }

    private static func checkBlocks(_ results: [ProbeResult], options: Options, availableBlocks: Int) -> [JSONValue] {
        guard !results.isEmpty, availableBlocks >= 2 else { return [] }
        var blocks: [JSONValue] = []
        let passed = results.filter { $0.outcome.isSuccess }.count
        let awaiting = results.filter { $0.outcome == .awaitingApproval }.count
        let failed = results.count - passed - awaiting
        var tally = ["\(passed) passed"]
        if failed > 0 { tally.append("\(failed) failed") }
        if awaiting > 0 { tally.append("\(awaiting) awaiting approval") }
        blocks.append(BlockKit.section("*Checks* — " + tally.joined(separator: " · ")))

        // One block for the header above and, if needed, one for the overflow line.
        let sections = min(max(0, options.maxCheckSections), 30, availableBlocks - 2)
        var outputBudget = max(0, options.maxTotalOutputCharacters)
        for result in results.prefix(sections) {
            var text = checkLine(result)
            // Notes (alert values left out of a command's environment) come first: they explain the output.
            for note in result.notes.prefix(3) {
                text += "\n_⚠️ \(SlackText.escaped(oneLine(note), limit: 200))_"
            }
            if outputBudget > 0, !result.output.isEmpty {
                let perProbe = min(
                    max(0, options.maxOutputCharacters), outputBudget,
                    SlackText.Limit.sectionText - 400 - SlackText.length(text))
                if perProbe > 40,
                    let block = SlackText.codeBlock(
                        result.output,
                        maxLines: max(1, options.maxOutputLines),
                        maxLength: perProbe
                    )
                {
                    text += "\n" + block
                    outputBudget -= SlackText.length(block)
                }
            }
            if result.truncatedBytes > 0 {
                text += "\n_… \(result.truncatedBytes) more bytes of output were not captured_"
            }
            blocks.append(BlockKit.section(text))
        }
        if results.count > sections {
            let rest = results.dropFirst(sections)
            let lines = rest.map { checkLine($0) }
            blocks.append(
                BlockKit.section(
                    packLines(header: "… and \(HumanFormat.count(rest.count, "more check")):", lines: lines)
                )
            )
        }
        return blocks
    }

    /// `✅ *name* · 0.4 s · exit 0`.
    package static func checkLine(_ result: ProbeResult) -> String {
        let name = "*\(SlackText.escaped(oneLine(result.name), limit: 120))*"
        let took = HumanFormat.duration(result.duration)
        switch result.outcome {
        case .succeeded(let status): return "✅ \(name) · \(took) · \(describe(status))"
        case .failed(let status): return "❌ \(name) · \(took) · \(describe(status))"
        case .timedOut: return "⏱ \(name) · timed out after \(took)"
        case .couldNotStart(let reason):
            return "⚠️ \(name) · could not start: \(SlackText.escaped(oneLine(reason), limit: 300))"
        case .awaitingApproval: return "✋ \(name) · awaiting approval"
        }
    }

    private static func describe(_ status: ProbeStatus) -> String {
        switch status {
        case .exitCode(let code): "exit \(code)"
        case .signal(let signal): "killed by signal \(signal)"
        case .httpStatus(let code): "HTTP \(code)"
        case .requestFailed(let reason): "request failed: \(SlackText.escaped(oneLine(reason), limit: 300))"
        case .unknown: "exit status unknown"
        }
    }

    /// Joins `lines` under `header` within one section's limit; lines that do not fit become "… and N more".
    static func packLines(header: String, lines: [String]) -> String {
        var text = header
        let limit = SlackText.Limit.sectionText - 40
        for (index, line) in lines.enumerated() {
            if SlackText.length(text) + 1 + SlackText.length(line) > limit {
                text += "\n… and \(lines.count - index) more"
                break
            }
            text += "\n" + line
        }
        return text
    }

    private static func fallbackText(_ facts: InvestigationFacts, variant: Variant, options: Options) -> String {
        let alert = facts.alert
        let name = SlackText.escaped(oneLine(alert.name).isEmpty ? "(unnamed alert)" : oneLine(alert.name), limit: 300)
        var text: String
        switch variant {
        case .open:
            let status = statusWord(facts, variant: variant)
            text = "\(emoji(for: alert.severity)) \(name) — \(status) (\(alert.severity.rawValue))"
            if let host = alert.host, !host.isEmpty { text += " on \(SlackText.escaped(oneLine(host), limit: 200))" }
            if let history = facts.history, history.occurrencesLast24Hours > 1 {
                text += " · \(HumanFormat.ordinal(history.occurrencesLast24Hours)) time in 24 h"
            }
            let failed = facts.probeResults.filter {
                switch $0.outcome {
                case .failed, .timedOut, .couldNotStart: true
                default: false
                }
            }.count
            if failed > 0 { text += " · \(HumanFormat.count(failed, "check")) failed" }
        case .acknowledged:
            text = "👀 \(name) — acknowledged"
            if let by = facts.incident.acknowledgedBy { text += " by \(SlackText.user(by))" }
        case .resolved:
            let resolvedAt = facts.incident.resolvedAt ?? options.now
            text =
                "✅ \(name) — resolved after "
                + HumanFormat.duration(HumanFormat.between(facts.incident.openedAt, resolvedAt))
        }
        return SlackText.truncatedMrkdwn(text, limit: SlackText.Limit.messageText)
    }
}
