import AlertReading
import VigilBase

extension InvestigationMessage {
    /// The message posted instead of per-alert replies while a channel is in an alert storm: how many alerts
    /// arrived in the window, grouped by name with counts, worst severity and a link to the latest thread.
    ///
    /// Groups are ordered by worst severity, then count, then name; at most 40 are listed (the rest are counted),
    /// packed into sections that respect the 3,000-character limit.
    ///
    /// - Parameters:
    ///   - digest: The storm's alerts.
    ///   - options: Rendering settings (`workspaceURL` for links).
    /// - Returns: The message.
    public static func stormSummary(_ digest: AlertStormDigest, options: Options) -> InvestigationMessage {
        struct Group {
            var name: String
            var count = 0
            var worst = AlertSeverity.unknown
            var firing = 0
            var latest: AlertStormDigest.Entry?
        }
        var groups: [String: Group] = [:]
        for entry in digest.entries {
            let name = oneLine(entry.name).isEmpty ? "(unnamed alert)" : oneLine(entry.name)
            var group = groups[name] ?? Group(name: name)
            group.count += 1
            group.worst = max(group.worst, entry.severity)
            if entry.status == .firing { group.firing += 1 }
            if group.latest.map({ tsOrder($0.rootTS) < tsOrder(entry.rootTS) }) ?? true { group.latest = entry }
            groups[name] = group
        }
        let ordered = groups.values.sorted {
            ($0.worst, $0.count, $1.name) > ($1.worst, $1.count, $0.name)
        }

        let total = digest.entries.count
        let window = HumanFormat.duration(digest.window)
        var blocks: [JSONValue] = [
            BlockKit.header("🌩️ Alert storm: \(HumanFormat.count(total, "alert")) in \(window)"),
            BlockKit.section(
                "\(HumanFormat.count(total, "alert")) arrived in this channel in the last \(window) "
                    + "(\(HumanFormat.count(ordered.count, "distinct name"))). Per-alert investigations are paused "
                    + "until the rate drops; each alert is still recorded."
            ),
        ]

        let shownGroups = 40
        var lines: [String] = []
        for group in ordered.prefix(shownGroups) {
            var line = "\(emoji(for: group.worst)) *\(SlackText.escaped(group.name, limit: 150))* ×\(group.count)"
            line += " · worst \(group.worst.rawValue)"
            if group.firing < group.count { line += " · \(group.firing) firing" }
            if let latest = group.latest,
                let url = SlackText.threadURL(
                    channelID: digest.channelID,
                    rootTS: latest.rootTS,
                    permalink: latest.permalink,
                    workspaceURL: options.workspaceURL
                )
            {
                line += " · " + SlackText.link(url: url, label: "latest")
            }
            lines.append(line)
        }
        if ordered.count > shownGroups {
            let rest = ordered.dropFirst(shownGroups)
            let restAlerts = rest.reduce(0) { $0 + $1.count }
            lines.append("… and \(HumanFormat.count(rest.count, "more name")) (\(HumanFormat.count(restAlerts, "alert")))")
        }
        // Pack lines into sections of at most ~2,900 characters.
        var current = ""
        for line in lines {
            if !current.isEmpty,
                SlackText.length(current) + 1 + SlackText.length(line) > SlackText.Limit.sectionText - 100
            {
                blocks.append(BlockKit.section(current))
                current = ""
            }
            current += current.isEmpty ? line : "\n" + line
        }
        if !current.isEmpty { blocks.append(BlockKit.section(current)) }
        blocks.append(
            BlockKit.context(["Vigil storm summary · replies resume automatically when the channel calms down"])
        )

        let worst = ordered.first.map { "\(emoji(for: $0.worst)) " } ?? ""
        let text =
            "🌩️ Alert storm: \(HumanFormat.count(total, "alert")) in \(window) in this channel "
            + "(\(HumanFormat.count(ordered.count, "distinct name"))) — \(worst)per-alert replies paused"
        return InvestigationMessage(text: text, blocks: Array(blocks.prefix(SlackText.Limit.blocks)))
    }

    /// Orders Slack `ts` strings numerically (seconds, then the fraction).
    private static func tsOrder(_ ts: String) -> (Int, Int) {
        let parts = ts.split(separator: ".", maxSplits: 1)
        return (Int(parts.first ?? "") ?? 0, parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
    }
}
