import Foundation
import Testing
import AlertInvestigation
import AlertReading
import VigilBase
import VigilStorage

/// Shared fixtures and Block Kit inspection helpers for the investigation tests.
enum InvestigationFixtures {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static func alert(
        name: String = "HighMemoryUsage",
        severity: AlertSeverity = .critical,
        status: AlertStatus = .firing,
        labels: [String: String] = ["env": "prod", "instance": "web-1:9100"],
        host: String? = "web-1",
        service: String? = "node-exporter",
        summary: String = "Memory above 90% for 5 minutes"
    ) -> Alert {
        Alert(
            source: .alertmanager,
            status: status,
            severity: severity,
            name: name,
            summary: summary,
            labels: labels,
            host: host,
            service: service,
            identity: "alertmanager:\(name)|node-exporter critical"
        )
    }

    static func facts(
        alert: Alert = alert(),
        status: InvestigationFacts.IncidentStatus = .open,
        related: [InvestigationFacts.RelatedAlert] = [],
        probeResults: [ProbeResult] = [],
        runbookLinks: [AlertLink] = [AlertLink(label: "Memory runbook", url: "https://runbooks.example/memory")]
    ) -> InvestigationFacts {
        InvestigationFacts(
            alert: alert,
            channelID: "C0ALERTS",
            rootTS: "1750000000.000100",
            incident: InvestigationFacts.Incident(
                id: "INC-42",
                status: status,
                openedAt: now.addingTimeInterval(-14 * 60),
                acknowledgedBy: status == .open ? nil : "U0ACK",
                acknowledgedAt: status == .open ? nil : now.addingTimeInterval(-10 * 60),
                resolvedBy: status == .resolved ? .sourceEdit : nil,
                resolvedAt: status == .resolved ? now : nil
            ),
            history: InvestigationFacts.History(
                occurrencesLast24Hours: 3,
                occurrencesLast7Days: 7,
                lastResolvedAt: now.addingTimeInterval(-2 * 3_600),
                lastTimeToResolve: .seconds(14 * 60)
            ),
            flapping: InvestigationFacts.Flapping(transitions: 6, window: .seconds(30 * 60), isFlapping: true),
            related: related,
            runbookLinks: runbookLinks,
            probeResults: probeResults
        )
    }

    static func related(_ index: Int, name: String? = nil, permalink: String? = nil) -> InvestigationFacts.RelatedAlert
    {
        InvestigationFacts.RelatedAlert(
            name: name ?? "DiskFull-\(index)",
            severity: .warning,
            status: .open,
            channelID: "C0OTHER",
            rootTS: "1749999000.00\(String(format: "%04d", index))",
            permalink: permalink,
            sharedLabelKey: "host",
            sharedLabelValue: "web-1",
            postedAt: now.addingTimeInterval(-300)
        )
    }

    static let options = InvestigationMessage.Options(now: now)

    // MARK: - Block inspection

    /// Every `text` string of every text object in the blocks, with its object type.
    static func textObjects(_ blocks: [JSONValue]) -> [(type: String, text: String)] {
        var found: [(String, String)] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if let type = members["type"]?.stringValue, type == "mrkdwn" || type == "plain_text",
                    let text = members["text"]?.stringValue
                {
                    found.append((type, text))
                }
                for member in members.values { walk(member) }
            case .array(let elements):
                for element in elements { walk(element) }
            default:
                break
            }
        }
        for block in blocks { walk(block) }
        return found
    }

    static func mrkdwnTexts(_ blocks: [JSONValue]) -> [String] {
        textObjects(blocks).filter { $0.type == "mrkdwn" }.map(\.text)
    }

    static func allMrkdwn(_ message: InvestigationMessage) -> String {
        (mrkdwnTexts(message.blocks) + [message.text]).joined(separator: "\n")
    }

    static func blocks(ofType type: String, in blocks: [JSONValue]) -> [JSONValue] {
        blocks.filter { $0["type"]?.stringValue == type }
    }

    static func buttons(_ message: InvestigationMessage) -> [(actionID: String, value: String, text: String)] {
        blocks(ofType: "actions", in: message.blocks).flatMap { block in
            (block["elements"]?.arrayValue ?? []).map {
                (
                    $0["action_id"]?.stringValue ?? "",
                    $0["value"]?.stringValue ?? "",
                    $0["text"]?["text"]?.stringValue ?? ""
                )
            }
        }
    }

    static func headerText(_ message: InvestigationMessage) -> String? {
        blocks(ofType: "header", in: message.blocks).first?["text"]?["text"]?.stringValue
    }

    /// Records an issue for every Slack limit the message breaks.
    static func expectWithinSlackLimits(
        _ message: InvestigationMessage,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        func length(_ text: String) -> Int { text.utf16.count }
        #expect(message.blocks.count <= 50, "too many blocks: \(message.blocks.count)", sourceLocation: sourceLocation)
        #expect(length(message.text) <= 40_000, sourceLocation: sourceLocation)
        #expect(!message.text.isEmpty, sourceLocation: sourceLocation)
        for block in message.blocks {
            switch block["type"]?.stringValue {
            case "header":
                let text = block["text"]?["text"]?.stringValue ?? ""
                #expect(block["text"]?["type"]?.stringValue == "plain_text", sourceLocation: sourceLocation)
                #expect(length(text) <= 150, "header \(length(text))", sourceLocation: sourceLocation)
            case "section":
                if let text = block["text"]?["text"]?.stringValue {
                    #expect(length(text) <= 3_000, "section \(length(text))", sourceLocation: sourceLocation)
                    #expect(!text.isEmpty, sourceLocation: sourceLocation)
                }
                let fields = block["fields"]?.arrayValue ?? []
                #expect(fields.count <= 10, "fields \(fields.count)", sourceLocation: sourceLocation)
                for field in fields {
                    let text = field["text"]?.stringValue ?? ""
                    #expect(length(text) <= 2_000, "field \(length(text))", sourceLocation: sourceLocation)
                }
                #expect(block["text"] != nil || !fields.isEmpty, sourceLocation: sourceLocation)
            case "context":
                let elements = block["elements"]?.arrayValue ?? []
                #expect((1...10).contains(elements.count), sourceLocation: sourceLocation)
                for element in elements {
                    #expect(length(element["text"]?.stringValue ?? "") <= 3_000, sourceLocation: sourceLocation)
                }
            case "actions":
                let elements = block["elements"]?.arrayValue ?? []
                #expect((1...25).contains(elements.count), sourceLocation: sourceLocation)
                for element in elements {
                    #expect(length(element["text"]?["text"]?.stringValue ?? "") <= 75, sourceLocation: sourceLocation)
                    #expect(length(element["value"]?.stringValue ?? "") <= 2_000, sourceLocation: sourceLocation)
                }
            case "divider":
                break
            default:
                Issue.record("unexpected block \(block)", sourceLocation: sourceLocation)
            }
        }
        // Code fences must be balanced in every mrkdwn text, or the rest of the message renders as code.
        for text in mrkdwnTexts(message.blocks) {
            #expect(
                text.components(separatedBy: "```").count % 2 == 1,
                "unbalanced fence in \(text.prefix(200))",
                sourceLocation: sourceLocation
            )
        }
    }
}
